import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointMode, CheckpointReply } from './checkpoint-worker.js';
import { startSiblingWorker } from './worker-module.js';

interface CheckpointOutcome {
  mode: CheckpointMode;
  busy: boolean;
  walPages: number;
  checkpointedPages: number;
}

export interface Checkpointer {
  /** Call after each commit: schedules a checkpoint, starting the worker on first use. */
  committed(): void;
  /** Resolves with the outcome of the next checkpoint to finish (undefined if the worker fails). */
  nextCheckpoint(): Promise<CheckpointOutcome | undefined>;
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How long after a commit the log is copied back; commits in between share the checkpoint. */
  delayMs?: number;
  /** Log length (pages) past which a checkpoint holds new writes for a moment so the log can restart. */
  maxWalPages?: number;
  /** Starts the worker thread (a stand-in in tests). */
  startWorker?: () => Worker;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits copies
 * the log back into the database file, and flushes it, inside whichever commit takes the log past
 * 1,000 pages: tens of milliseconds in which the process answers no request. Here that connection
 * never checkpoints (`wal_autocheckpoint = 0`); a worker thread with its own connection does, a
 * moment after commits. A PASSIVE checkpoint blocks no one, but while writes never pause it never
 * catches up, and the log can only restart once it has: past `maxWalPages` a FULL checkpoint holds
 * new writes for the moment it takes to finish (the write gate waits for them without blocking).
 * If the worker fails, the connection checkpoints itself again.
 */
export function createCheckpointer(
  sqlite: Database.Database,
  options: CheckpointerOptions = {},
): Checkpointer {
  return new WorkerCheckpointer(sqlite, options);
}

class WorkerCheckpointer implements Checkpointer {
  private readonly delayMs: number;
  private readonly maxWalPages: number;
  private readonly startWorker: () => Worker;
  /** The connection's own threshold, restored whenever the worker cannot checkpoint. */
  private readonly ownAutocheckpoint: number;
  private worker: Worker | undefined;
  private ready = false;
  /** Failed or closed: no worker is started again. */
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** The mode of the checkpoint under way, if one is. */
  private running: CheckpointMode | undefined;
  /** A commit arrived while the worker was starting or checkpointing. */
  private pending = false;
  private readonly waiters: ((outcome: CheckpointOutcome | undefined) => void)[] = [];

  constructor(
    private readonly sqlite: Database.Database,
    options: CheckpointerOptions,
  ) {
    this.delayMs = options.delayMs ?? 200;
    this.maxWalPages = options.maxWalPages ?? 4000;
    this.startWorker =
      options.startWorker ?? (() => startSiblingWorker('checkpoint-worker', { databasePath: sqlite.name }));
    this.ownAutocheckpoint = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  }

  readonly committed = (): void => {
    if (this.stopped) return;
    if (!this.worker) this.start();
    this.schedule();
  };

  nextCheckpoint(): Promise<CheckpointOutcome | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.stop();
    await this.worker?.terminate();
  }

  private start() {
    const worker = this.startWorker();
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => this.replied(reply));
    worker.on('error', () => this.stop());
    worker.on('exit', () => this.stop());
  }

  /** For good: the connection checkpoints itself again. */
  private stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    clearTimeout(this.timer);
    this.autocheckpoint(this.ownAutocheckpoint);
    this.settle(undefined);
    void this.worker?.terminate();
  }

  private schedule() {
    if (this.running || !this.ready) this.pending = true;
    else this.timer ??= setTimeout(() => this.run('PASSIVE'), this.delayMs).unref();
  }

  private run(mode: CheckpointMode) {
    this.timer = undefined;
    if (this.stopped) return;
    this.running = mode;
    this.worker!.postMessage(mode);
  }

  private replied(reply: CheckpointReply) {
    if (this.stopped) return;
    if ('ready' in reply) {
      this.ready = true;
      this.autocheckpoint(0);
    } else if ('error' in reply) {
      // The connection checkpoints itself until the worker manages again.
      this.autocheckpoint(this.ownAutocheckpoint);
      this.running = undefined;
      this.settle(undefined);
    } else {
      const mode = this.running!;
      this.running = undefined;
      if (mode === 'PASSIVE' && !reply.busy && reply.walPages >= this.maxWalPages) return this.run('FULL');
      this.autocheckpoint(0);
      this.settle({ mode, ...reply });
    }
    if (this.pending) {
      this.pending = false;
      this.schedule();
    }
  }

  private autocheckpoint(pages: number) {
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${pages}`);
  }

  private settle(outcome: CheckpointOutcome | undefined) {
    for (const waiter of this.waiters.splice(0)) waiter(outcome);
  }
}
