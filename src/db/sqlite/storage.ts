import { statSync } from 'node:fs';
import type { Storage, StorageOptions } from '../open.js';
import { createCheckpointer } from './checkpointer.js';
import { nameRefresherOf } from './collection-editing.js';
import { checkDatabase, dataVersionOf, migrateDatabase, openDatabase } from './connection.js';
import { createReadPool, offloadExpensiveReads } from './read-pool.js';
import { createRepositories } from './repositories.js';
import { writeGateOf } from './writes.js';

/**
 * Gazette on a SQLite file: one connection for writes, worker threads for expensive reads, and one
 * that copies the write-ahead log back into the database file.
 */
export function openSqliteStorage(databasePath: string, options: StorageOptions): Storage {
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
  // A serving process copies its log back on a worker thread; a one-shot command lets SQLite do it.
  const checkpointer = readPool ? createCheckpointer(db.$client) : undefined;
  if (checkpointer) writeGateOf(db.$client).onCommit(checkpointer.committed);
  const repositories = createRepositories(db, { searchSampleSize: options.searchSampleSize });
  // Articles a rename queued before a crash get their versions, events and names now.
  void nameRefresherOf(db.$client).drain();
  return {
    repositories: readPool ? offloadExpensiveReads(repositories, readPool, db.$client) : repositories,
    check: async () => checkDatabase(db),
    dataVersion: dataVersionOf(db.$client),
    sizeBytes: async () => (databasePath === ':memory:' ? 0 : sqliteBytes(databasePath)),
    async close() {
      await readPool?.close();
      await checkpointer?.close();
      db.$client.close();
    },
  };
}

/** Applies pending migrations and closes the database again. */
export function migrateSqliteDatabase(databasePath: string): void {
  const db = openDatabase(databasePath);
  try {
    migrateDatabase(db);
  } finally {
    db.$client.close();
  }
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
