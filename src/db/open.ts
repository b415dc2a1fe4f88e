import { statSync } from 'node:fs';
import type { DatabaseCheck, Repositories } from '../domain/ports.js';
import { checkDatabase, migrateDatabase, openDatabase } from './sqlite/connection.js';
import { createReadPool, offloadExpensiveReads } from './sqlite/read-pool.js';
import { createRepositories } from './sqlite/repositories.js';

/** Which engine stores the data, and where (the configuration's shape, read structurally). */
export type StorageLocation =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string; poolMax: number; statementTimeoutMs: number };

export interface StorageOptions {
  searchSampleSize: number;
  /** Worker threads for SQLite's expensive reads; undefined sizes the pool from the CPU count. */
  searchWorkers: number | undefined;
  searchTimeoutMs: number;
  /** Whether SQLite's expensive reads move to worker threads (a one-shot command says no). */
  readWorkers: boolean;
}

/** One database, migrated, behind the repository ports: nothing above this knows the engine. */
export interface Storage {
  repositories: Repositories;
  /** What the readiness probe reports. */
  check(): Promise<DatabaseCheck>;
  /** Bytes the database takes on disk, for the metrics. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/** Opens and migrates the database the location names. */
export async function openStorage(location: StorageLocation, options: StorageOptions): Promise<Storage> {
  if (location.engine === 'postgres') {
    // Loaded only here, so a process on SQLite never loads the PostgreSQL driver.
    const { openPostgresStorage } = await import('./postgres/storage.js');
    return openPostgresStorage(location, options);
  }
  return openSqliteStorage(location.path, options);
}

/** Applies pending migrations and closes the database again (`gazette migrate`). */
export async function migrateStorage(location: StorageLocation): Promise<void> {
  if (location.engine === 'postgres') {
    const { migratePostgresDatabase } = await import('./postgres/storage.js');
    await migratePostgresDatabase(location.url);
    return;
  }
  const db = openDatabase(location.path);
  try {
    migrateDatabase(db);
  } finally {
    db.$client.close();
  }
}

function openSqliteStorage(databasePath: string, options: StorageOptions): Storage {
  const db = openDatabase(databasePath);
  migrateDatabase(db);
  // An in-memory database exists only on this connection, so its reads cannot move to workers.
  const readPool =
    databasePath === ':memory:' || !options.readWorkers
      ? undefined
      : createReadPool({
          databasePath,
          searchSampleSize: options.searchSampleSize,
          size: options.searchWorkers,
          timeoutMs: options.searchTimeoutMs,
        });
  const repositories = createRepositories(db, { searchSampleSize: options.searchSampleSize });
  return {
    repositories: readPool ? offloadExpensiveReads(repositories, readPool, db.$client) : repositories,
    check: async () => checkDatabase(db),
    sizeBytes: async () => (databasePath === ':memory:' ? 0 : sqliteBytes(databasePath)),
    async close() {
      await readPool?.close();
      db.$client.close();
    },
  };
}

/** Bytes on disk of a SQLite database: the main file and its write-ahead log. */
function sqliteBytes(databasePath: string): number {
  let total = 0;
  for (const file of [databasePath, `${databasePath}-wal`]) {
    try {
      total += statSync(file).size;
    } catch {
      // No WAL between checkpoints, or a database that is not a file.
    }
  }
  return total;
}
