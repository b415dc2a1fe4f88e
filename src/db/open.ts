import type { DatabaseCheck, Repositories } from '../domain/ports.js';
import { migrateSqliteDatabase, openSqliteStorage } from './sqlite/storage.js';

// SQLite's online backup, for the `gazette backup` and `restore` commands.
export { BackupError, backupDatabase, restoreDatabase } from './sqlite/backup.js';

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
  /**
   * A token that changes whenever anything commits to the database, from any connection or
   * process, cheap enough to read on every request; undefined on an engine without one.
   */
  dataVersion: (() => string) | undefined;
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
  migrateSqliteDatabase(location.path);
}
