import { statfsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { InsufficientStorage, ServiceUnavailable } from '../../lib/errors.js';

/** How long a write waits for another process to release the write lock before answering 503. */
const writeLockWaitMs = 10_000;
/** Below this much free space on the database's file system, a failed write is not retried as healthy. */
const minimumFreeBytes = 1024 * 1024;

const errorCode = (error: unknown) => (error as { code?: unknown })?.code;

function isBusyError(error: unknown): boolean {
  const code = errorCode(error);
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

/** SQLITE_FULL (disk or max_page_count), or an I/O error while writing: the storage, not the request. */
export function isStorageError(error: unknown): boolean {
  const code = errorCode(error);
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'));
}

export interface WriteGate {
  /**
   * Runs `transaction` (which must begin with BEGIN IMMEDIATE, e.g. better-sqlite3's `.immediate`)
   * and resolves once its commit is on disk. While another process holds the write lock it waits
   * without blocking the event loop, retrying with growing pauses for up to `writeLockWaitMs`, then
   * answers 503. A full disk answers 507 and marks storage unhealthy until a later write succeeds or
   * a probe finds room again.
   */
  write<T>(transaction: () => T): Promise<T>;
  /**
   * Like `write`, but resolves once the commit is written and before it is flushed: for a writer
   * that commits in several steps and then calls `flush` once, before it acknowledges anything.
   */
  commit<T>(transaction: () => T): Promise<T>;
  /** Resolves once every commit made so far is on disk (507 when the disk fails to flush). */
  flush(): Promise<void>;
  /** False while the last write failed for want of storage and there is still no room. */
  storageReady(): boolean;
  /** Calls `listener` after every commit through the gate (the checkpointer's cue). */
  onCommit(listener: () => void): void;
}

const gates = new WeakMap<Database.Database, WriteGate>();

/** The one write gate of a connection. */
export function writeGateOf(sqlite: Database.Database): WriteGate {
  let gate = gates.get(sqlite);
  if (!gate) {
    gate = createWriteGate(sqlite);
    gates.set(sqlite, gate);
  }
  return gate;
}

/** Flushes a file to disk on libuv's thread pool, away from the event loop. */
async function syncFile(filePath: string): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes commits durable off the event loop. A commit under synchronous=NORMAL has written its WAL
 * frames but not flushed them; one fsync of the WAL file flushes every commit written before it
 * started, so commits that land while a flush runs share the next one.
 */
function createWalSync(walPath: string, sync: (filePath: string) => Promise<void>) {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    running = sync(walPath).finally(() => {
      running = undefined;
    });
    return running;
  };
  return (): Promise<void> => {
    if (!running) return start();
    // The running flush may have begun before this commit was written: wait for one that begins after.
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}

/** Whether the database can take a write again: pages to spare, free space, and a real commit. */
function hasRoom(sqlite: Database.Database, attempt: (transaction: () => unknown) => unknown): boolean {
  const pages = Number(sqlite.pragma('page_count', { simple: true }));
  const maxPages = Number(sqlite.pragma('max_page_count', { simple: true }));
  const freePages = Number(sqlite.pragma('freelist_count', { simple: true }));
  if (pages >= maxPages && freePages === 0) return false;
  try {
    if (!sqlite.memory) {
      const stats = statfsSync(path.dirname(path.resolve(sqlite.name)));
      if (stats.bavail * stats.bsize < minimumFreeBytes) return false;
    }
  } catch {
    // No statfs here: the write below decides.
  }
  // Rewriting the header's user_version is a real commit that allocates nothing: it fails while
  // the disk refuses writes, and leaves the database as it was.
  try {
    const version = Number(sqlite.pragma('user_version', { simple: true }));
    attempt(() => sqlite.pragma(`user_version = ${version}`));
    return true;
  } catch {
    return false;
  }
}

/** A write gate on `sqlite`; use `writeGateOf` for the shared one. `sync` flushes a file to disk. */
export function createWriteGate(
  sqlite: Database.Database,
  sync: (filePath: string) => Promise<void> = syncFile,
): WriteGate {
  const busyTimeout = Number(sqlite.pragma('busy_timeout', { simple: true }));
  const synchronous = Number(sqlite.pragma('synchronous', { simple: true }));
  const flushWal = sqlite.memory ? async () => {} : createWalSync(`${sqlite.name}-wal`, sync);
  let storageFailed = false;
  const commitListeners: (() => void)[] = [];

  /**
   * One attempt. SQLite's own busy handler would wait synchronously, and its own fsync at commit
   * (synchronous=FULL) would hold the event loop for the flush, so both are off for the
   * transaction; the caller flushes the WAL afterwards. Writes outside the gate keep FULL.
   */
  function attempt<T>(transaction: () => T): T {
    sqlite.pragma('busy_timeout = 0');
    sqlite.pragma('synchronous = NORMAL');
    try {
      return transaction();
    } finally {
      sqlite.pragma(`synchronous = ${synchronous}`);
      sqlite.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  /** Runs the transaction, waiting out other processes' write locks; the commit is not flushed yet. */
  async function committed<T>(transaction: () => T): Promise<T> {
    const deadline = Date.now() + writeLockWaitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        const result = attempt(transaction);
        storageFailed = false;
        for (const listener of commitListeners) listener();
        return result;
      } catch (error) {
        if (isStorageError(error)) {
          storageFailed = true;
          throw new InsufficientStorage(
            'The database has no room to store this (the disk is full or failing); nothing was stored.',
          );
        }
        if (!isBusyError(error)) throw error;
        if (Date.now() >= deadline) {
          throw new ServiceUnavailable(
            `Another process held the database's write lock for over ${writeLockWaitMs / 1000} s; nothing was stored, retry.`,
          );
        }
        await sleep(pause + Math.random() * pause);
      }
    }
  }

  async function flush(): Promise<void> {
    try {
      await flushWal();
    } catch {
      storageFailed = true;
      throw new InsufficientStorage(
        'The change was written but the disk failed to flush it, so it may not survive a power cut; check the storage.',
      );
    }
  }

  return {
    async write(transaction) {
      const result = await committed(transaction);
      await flush();
      return result;
    },

    commit: committed,
    flush,

    storageReady() {
      if (storageFailed && hasRoom(sqlite, attempt)) storageFailed = false;
      return !storageFailed;
    },

    onCommit(listener) {
      commitListeners.push(listener);
    },
  };
}
