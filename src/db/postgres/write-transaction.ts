import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { InsufficientStorage, ServiceUnavailable } from '../../lib/errors.js';
import type { PostgresDb } from './connection.js';

/** A write transaction as the repositories receive it. */
export type Tx = Parameters<Parameters<PostgresDb['transaction']>[0]>[0];

/** Any fixed number: the advisory lock every write transaction holds until it commits. */
const writeLock = 7_202_614;
/** How long a write keeps trying (lock waits, deadlocks, serialization failures) before answering 503. */
const writeWaitMs = 10_000;
/** serialization_failure, deadlock_detected, lock_not_available: the transaction may simply run again. */
const retryable = new Set(['40001', '40P01', '55P03']);
/** disk_full, out_of_memory on the server's side: the storage, not the request. */
const storageFull = new Set(['53100', '53200']);

/** The SQLSTATE of a pg error, also when a query builder wrapped it. */
function sqlState(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether a failure must end the whole transaction (and perhaps retry it), not only one item of it. */
export function abortsTransaction(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (retryable.has(code) || storageFull.has(code));
}

/**
 * Runs `work` in one transaction that first takes the write lock, so write transactions run one at
 * a time as on SQLite: duplicate checks see every earlier write, and change-feed events commit in id
 * order (a reader never sees event n+1 while n may still commit). A transaction that loses a lock
 * wait, a deadlock or a serialization check runs again with growing pauses for up to
 * `writeWaitMs`, then answers 503; a full disk answers 507. Nothing is stored on any failure.
 */
export async function writeTransaction<T>(db: PostgresDb, work: (tx: Tx) => Promise<T>): Promise<T> {
  const deadline = Date.now() + writeWaitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
    try {
      return await db.transaction(async (tx) => {
        const waitMs = Math.max(1, deadline - Date.now());
        await tx.execute(sql`SELECT set_config('lock_timeout', ${`${waitMs}ms`}, true)`);
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${writeLock})`);
        return work(tx);
      });
    } catch (error) {
      const code = sqlState(error);
      if (code !== undefined && storageFull.has(code)) {
        throw new InsufficientStorage(
          'The database has no room to store this (the disk is full or failing); nothing was stored.',
        );
      }
      if (code === undefined || !retryable.has(code)) throw error;
      if (Date.now() >= deadline) {
        throw new ServiceUnavailable(
          `Other writes held the database for over ${writeWaitMs / 1000} s; nothing was stored, retry.`,
        );
      }
      await sleep(pause + Math.random() * pause);
    }
  }
}
