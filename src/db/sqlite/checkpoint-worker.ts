import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The checkpointer's thread (checkpointer.ts): its own read-write connection, which copies the
 * write-ahead log back into the database file when asked, so the fsyncs a checkpoint takes block
 * this thread and never the event loop.
 */
export type CheckpointMode = 'PASSIVE' | 'FULL';

export type CheckpointReply =
  | { ready: true }
  | { busy: boolean; walPages: number; checkpointedPages: number }
  | { error: string };

const { databasePath } = workerData as { databasePath: string };
const port = parentPort!;
const db = new Database(databasePath, { fileMustExist: true });
// FULL: the log is flushed before its pages are copied, and the database file after.
db.pragma('synchronous = FULL');
// A FULL checkpoint waits here, not on the event loop, for the transaction under way to commit and
// for readers of older snapshots; new writes wait meanwhile, so it gives up soon (and tries later).
db.pragma('busy_timeout = 100');

port.on('message', (mode: CheckpointMode) => {
  let reply: CheckpointReply;
  try {
    const [row] = db.pragma(`wal_checkpoint(${mode})`) as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    reply = { busy: row!.busy === 1, walPages: row!.log, checkpointedPages: row!.checkpointed };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies CheckpointReply);
