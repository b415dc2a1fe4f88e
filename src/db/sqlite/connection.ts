import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { DatabaseCheck } from '../../domain/ports.js';
import { packagePath } from '../../lib/package-files.js';
import * as schema from './schema.js';
import { writeGateOf } from './writes.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Found from the package, not the working directory, so `gazette` works from anywhere. */
export const migrationsFolder = packagePath('migrations', 'sqlite');

/**
 * SQLite's page cache per connection, in KiB. better-sqlite3 defaults to 16 MB a connection; the
 * main connection and the read workers' filled theirs under varied searches, a quarter of the
 * server's memory, for pages the operating system caches anyway. Smaller caches slow searches with
 * facets (`npm run bench:query` shows it with 2 MB): 8 MB is the middle.
 */
const pageCacheKib = 8192;

export function openDatabase(databasePath: string): Db {
  if (databasePath !== ':memory:') mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
  const sqlite = new Database(databasePath);
  // WAL lets readers run beside the one writer; synchronous=FULL makes each commit durable when it
  // returns (NORMAL could lose the last commits on power loss, and an acknowledged ingest must not
  // vanish). The write gate commits under NORMAL and flushes the WAL itself, off the event loop.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${pageCacheKib}`);
  return drizzle(sqlite, { schema });
}

/**
 * A token that changes with every commit to the database: another connection's commit (another
 * thread or process) changes `data_version`, one of this connection's own its `total_changes()`.
 * Asked on every response-cache hit, so as two plain statements: the `pragma_data_version` table
 * in one SELECT took half as long again.
 */
export function dataVersionOf(sqlite: Database.Database): () => string {
  const version = sqlite.prepare<[], number>('PRAGMA data_version').pluck();
  const ownChanges = sqlite.prepare<[], number>('SELECT total_changes()').pluck();
  return () => `${version.get()}.${ownChanges.get()}`;
}

/**
 * A second, read-only connection to the same file, for a worker thread: WAL lets it read committed
 * data while the main connection writes, and it can never take the write lock.
 */
export function openReadOnlyDatabase(databasePath: string): Db {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${pageCacheKib}`);
  return drizzle(sqlite, { schema });
}

/**
 * Applies every pending migration in one transaction; all-or-nothing. Processes starting together
 * on one file may race for it: the loser finds the migrations applied by the winner and goes on.
 */
export function migrateDatabase(db: Db): void {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      if (checkDatabase(db).migrationsCurrent) return;
      if (Date.now() > deadline) throw error;
      // Start-up only: a short synchronous pause before trying again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 80);
    }
  }
}

/**
 * Whether the database answers, whether every migration in the folder has been applied to it, and
 * whether it can still be written to.
 */
export function checkDatabase(db: Db): DatabaseCheck {
  try {
    db.$client.prepare('SELECT 1').get();
  } catch {
    return { reachable: false, migrationsCurrent: false, storage: false };
  }
  const storage = writeGateOf(db.$client).storageReady();
  try {
    const latest = latestMigration();
    const applied = db.$client.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get() as
      | number
      | null;
    return {
      reachable: true,
      migrationsCurrent: latest === undefined || (applied !== null && Number(applied) >= latest),
      storage,
    };
  } catch {
    // No migrations table yet: nothing has been applied.
    return { reachable: true, migrationsCurrent: false, storage };
  }
}

/** When the newest migration in the folder was made: the last one a current database has applied. */
export function latestMigration(): number | undefined {
  return readJournal().entries.at(-1)?.when;
}

function readJournal(): { entries: { when: number }[] } {
  return JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
}
