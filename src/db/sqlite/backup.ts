import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { latestMigration } from './connection.js';

export class BackupError extends Error {}

/** Copy every page in one step: one read transaction, so the copy is one consistent snapshot. */
const allPages = () => 0x7fffffff;

function integrityOf(database: Database.Database): string {
  const rows = database.prepare<[], string>('PRAGMA integrity_check').pluck().all();
  return rows.join('; ');
}

/**
 * An online backup of a live database with SQLite's backup API. In WAL mode the copy is a snapshot
 * of the last commit before it started: writers carry on meanwhile (the server keeps ingesting)
 * and nothing they commit later is in it. The copy is checked with integrity_check before this
 * returns. Refuses to overwrite an existing file.
 */
export async function backupDatabase(
  databasePath: string,
  backupPath: string,
): Promise<{ pages: number; bytes: number }> {
  if (!existsSync(databasePath)) throw new BackupError(`no database at ${databasePath}`);
  if (existsSync(backupPath)) throw new BackupError(`${backupPath} already exists; choose a new file`);
  mkdirSync(path.dirname(path.resolve(backupPath)), { recursive: true });
  const source = new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const { totalPages } = await source.backup(backupPath, { progress: allPages });
    const copy = new Database(backupPath, { readonly: true });
    const integrity = integrityOf(copy);
    copy.close();
    if (integrity !== 'ok') throw new BackupError(`the copy failed integrity_check: ${integrity}`);
    return { pages: totalPages, bytes: statSync(backupPath).size };
  } finally {
    source.close();
  }
}

/** Whether some other connection (a running server, another command) has the database open. */
function inUse(databasePath: string): boolean {
  const probe = new Database(databasePath, { timeout: 0 });
  try {
    // An exclusive lock is refused while any other connection holds the database, even an idle one.
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch {
    return true;
  } finally {
    probe.close();
  }
}

/**
 * What a backup file holds, checked before it may replace a database: it must pass integrity_check
 * and carry Gazette's migrations table, no newer than the migrations this version knows (an older
 * one is fine: the next start applies the rest).
 */
function checkBackup(backupPath: string): { articles: number; pendingMigrations: boolean } {
  if (!existsSync(backupPath)) throw new BackupError(`no backup at ${backupPath}`);
  let backup: Database.Database;
  try {
    backup = new Database(backupPath, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${backupPath} is not a SQLite database: ${(error as Error).message}`);
  }
  try {
    let integrity: string;
    try {
      integrity = integrityOf(backup);
    } catch (error) {
      throw new BackupError(`${backupPath} is not a SQLite database: ${(error as Error).message}`);
    }
    if (integrity !== 'ok') throw new BackupError(`${backupPath} failed integrity_check: ${integrity}`);
    let applied: number | null;
    try {
      applied =
        backup.prepare<[], number | null>('SELECT max(created_at) FROM __drizzle_migrations').pluck().get() ??
        null;
    } catch {
      throw new BackupError(`${backupPath} has no migrations table: it is not a Gazette database`);
    }
    const latest = latestMigration();
    if (applied === null) throw new BackupError(`${backupPath} has no migrations applied`);
    if (latest !== undefined && Number(applied) > latest)
      throw new BackupError(`${backupPath} comes from a newer Gazette (its schema is ahead of this version)`);
    const articles = backup.prepare<[], number>('SELECT count(*) FROM articles').pluck().get() ?? 0;
    return { articles, pendingMigrations: latest !== undefined && Number(applied) < latest };
  } finally {
    backup.close();
  }
}

/**
 * Puts a checked backup in place of the database, through SQLite's backup API so the target's WAL
 * and locks are handled by SQLite itself. Refuses while anything has the database open: a running
 * server would go on with caches of the old data. Stop it first.
 */
export async function restoreDatabase(
  backupPath: string,
  databasePath: string,
): Promise<{ articles: number; pendingMigrations: boolean }> {
  const checked = checkBackup(backupPath);
  if (existsSync(databasePath) && inUse(databasePath))
    throw new BackupError(`${databasePath} is in use (is the server running?); stop it, then restore again`);
  mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
  const backup = new Database(backupPath, { readonly: true, fileMustExist: true });
  try {
    await backup.backup(databasePath, { progress: allPages });
  } finally {
    backup.close();
  }
  const restored = new Database(databasePath, { readonly: true });
  const integrity = integrityOf(restored);
  restored.close();
  if (integrity !== 'ok') throw new BackupError(`the restored database failed integrity_check: ${integrity}`);
  return checked;
}
