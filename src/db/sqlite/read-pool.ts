import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Repositories } from '../../domain/ports.js';
import { DomainError, type FieldError, ServiceUnavailable } from '../../lib/errors.js';
import { dataVersionOf } from './connection.js';
import type { ReadMethods } from './read-worker.js';
import { startSiblingWorker } from './worker-module.js';

type Method = keyof ReadMethods;

/**
 * What a worker sends back: a result as JSON, or an error with enough to rebuild a problem. Results
 * are plain data, and the main thread parses a search page's JSON in half the time it takes to
 * rebuild the same page from a structured clone (0.23 against 0.45–0.50 ms with facets).
 */
export type ReadReply =
  | { ready: true }
  | { id: number; json: string }
  | { id: number; error: { message: string; status?: number; errors?: FieldError[] } };

/** A domain error raised in a worker, carried back with its status so it answers the same problem. */
class WorkerDomainError extends DomainError {
  constructor(
    readonly status: number,
    detail: string,
    errors?: FieldError[],
  ) {
    super(detail, errors);
  }
}

interface Job {
  id: number;
  method: Method;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has loaded its modules and opened its connection. */
  ready: boolean;
  job: Job | undefined;
}

export interface ReadPoolOptions {
  databasePath: string;
  searchSampleSize?: number | undefined;
  /** Worker count; by default one per core but the one serving HTTP, at least 2 and at most 4. */
  size?: number | undefined;
  /** Deadline of one call, queueing included. */
  timeoutMs: number;
}

/** How long calls wait for the first worker to start before they answer 503. */
const workerStartLimitMs = 30_000;

/** The pool's workers and the calls waiting for one. */
interface PoolState {
  options: ReadPoolOptions;
  queue: Job[];
  slots: Slot[];
  /** Until a worker is ready, waiting calls count against the start deadline, not their own. */
  anyReady: boolean;
}

function fail(job: Job, error: Error) {
  if (job.settled) return;
  job.settled = true;
  clearTimeout(job.timer);
  job.reject(error);
}

function settle(job: Job, reply: Exclude<ReadReply, { ready: true }>) {
  if (job.settled) return;
  job.settled = true;
  clearTimeout(job.timer);
  if ('json' in reply) {
    job.resolve(JSON.parse(reply.json));
  } else if (reply.error.status !== undefined) {
    job.reject(new WorkerDomainError(reply.error.status, reply.error.message, reply.error.errors));
  } else {
    job.reject(new Error(reply.error.message));
  }
}

function armDeadline(job: Job, timeoutMs: number) {
  job.timer = setTimeout(
    () =>
      fail(
        job,
        new ServiceUnavailable(
          `The query did not finish within ${timeoutMs} ms. Narrow it (fewer terms, longer prefixes, a filter) or retry.`,
        ),
      ),
    timeoutMs,
  );
}

/** A worker that never gets ready (a broken install, a stuck loader) must not hold its callers. */
function armStartDeadline(job: Job, timeoutMs: number) {
  job.timer = setTimeout(
    () => fail(job, new ServiceUnavailable('The search workers did not start in time; retry in a moment.')),
    Math.max(timeoutMs, workerStartLimitMs),
  );
}

/** Hands waiting calls to ready workers with no job. */
function dispatch(pool: PoolState) {
  for (const slot of pool.slots) {
    if (slot.job || !slot.ready) continue;
    let job = pool.queue.shift();
    while (job?.settled) job = pool.queue.shift();
    if (!job) return;
    slot.job = job;
    slot.worker.postMessage({ id: job.id, method: job.method, args: job.args });
  }
}

/** The first ready worker starts the clock of every call that waited for it. */
function firstReady(pool: PoolState) {
  pool.anyReady = true;
  for (const job of pool.queue) {
    clearTimeout(job.timer);
    armDeadline(job, pool.options.timeoutMs);
  }
}

/**
 * A failed worker fails its job as any unexpected error would, and is replaced; a worker that could
 * not start fails the calls waiting for it, so a broken setup answers 500s, never hangs.
 */
function workerFailed(pool: PoolState, slot: Slot, error: Error) {
  const job = slot.job;
  slot.job = undefined;
  if (job) fail(job, error);
  if (!pool.slots.some((each) => each.ready))
    for (const waiting of pool.queue.splice(0)) fail(waiting, error);
  const index = pool.slots.indexOf(slot);
  if (index >= 0) pool.slots.splice(index, 1);
  dispatch(pool);
}

function spawn(pool: PoolState): Slot {
  const { databasePath, searchSampleSize } = pool.options;
  const slot: Slot = {
    worker: startSiblingWorker('read-worker', { databasePath, searchSampleSize }),
    ready: false,
    job: undefined,
  };
  slot.worker.on('message', (reply: ReadReply) => {
    if ('ready' in reply) {
      slot.ready = true;
      if (!pool.anyReady) firstReady(pool);
    } else {
      const job = slot.job;
      slot.job = undefined;
      if (job && job.id === reply.id) settle(job, reply);
    }
    dispatch(pool);
  });
  slot.worker.on('error', (error) => workerFailed(pool, slot, error));
  return slot;
}

/**
 * Expensive reads (search, facets, related articles) on worker threads, each with its own read-only
 * connection to the same WAL database, so a slow query never holds the event loop that answers every
 * other request. Every call has a deadline: past it the caller gets a 503 problem at once, while the
 * worker finishes the statement (SQLite cannot be interrupted from here) and takes the next job.
 * The workers start with the first call, so an app that never searches (a test, a command) never
 * pays for them; calls made while they start get their deadline once the first worker is ready,
 * and answer 503 if none is ready within `workerStartLimitMs`.
 */
export function createReadPool(options: ReadPoolOptions) {
  const size = options.size ?? Math.min(4, Math.max(2, availableParallelism() - 1));
  // A queue longer than this means searches arrive faster than they can be answered within the deadline.
  const maxQueued = size * 64;
  const pool: PoolState = { options, queue: [], slots: [], anyReady: false };
  const { queue, slots } = pool;
  let nextId = 1;
  let closed = false;

  return {
    size,
    /** Runs `method` on a free worker; rejects with a 503 problem when it cannot finish in time. */
    run<M extends Method>(
      method: M,
      ...args: Parameters<ReadMethods[M]>
    ): Promise<Awaited<ReturnType<ReadMethods[M]>>> {
      if (closed) return Promise.reject(new ServiceUnavailable('Gazette is shutting down.'));
      if (queue.length >= maxQueued) {
        return Promise.reject(
          new ServiceUnavailable(`Too many searches are waiting (${queue.length}); retry in a moment.`),
        );
      }
      while (slots.length < size) slots.push(spawn(pool));
      return new Promise((resolve, reject) => {
        const job: Job = {
          id: nextId++,
          method,
          args,
          resolve: resolve as (value: unknown) => void,
          reject,
          settled: false,
          timer: undefined,
        };
        if (pool.anyReady) armDeadline(job, options.timeoutMs);
        else armStartDeadline(job, options.timeoutMs);
        queue.push(job);
        dispatch(pool);
      });
    },
    async close(): Promise<void> {
      closed = true;
      const pending = [...queue, ...slots.flatMap((slot) => (slot.job ? [slot.job] : []))];
      for (const job of pending) fail(job, new ServiceUnavailable('Gazette is shutting down.'));
      queue.length = 0;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

export type ReadPool = ReturnType<typeof createReadPool>;

/**
 * Answers of expensive reads, kept until the database changes: popular searches are asked again and
 * again, and an answer from memory costs nothing. Any commit empties the cache: one from another
 * connection changes `data_version`, one from this connection its `total_changes()`. Identical
 * requests that arrive while the first is still running share its answer. A search answer with
 * facets is about 60 KB of objects: 256 of them were 15 MB of the server's memory, while anonymous
 * repeats are answered from the response cache before they get here.
 */
function createAnswerCache(sqlite: Database.Database, maxEntries = 64) {
  const version = dataVersionOf(sqlite);
  const answers = new Map<string, Promise<unknown>>();
  let seenVersion = '';
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    const current = version();
    if (current !== seenVersion) {
      answers.clear();
      seenVersion = current;
    }
    const known = answers.get(key);
    if (known) {
      // Most recently used last, so the oldest entry is the first one to go.
      answers.delete(key);
      answers.set(key, known);
      return known as Promise<T>;
    }
    const answer = compute();
    answers.set(key, answer);
    // A failure (a deadline, a bad cursor) is not remembered: the next request tries again.
    answer.catch(() => {
      if (answers.get(key) === answer) answers.delete(key);
    });
    if (answers.size > maxEntries) answers.delete(answers.keys().next().value!);
    return answer;
  };
}

/**
 * The repositories with their expensive reads sent to the pool: searches, facet counts, totals and
 * related articles, with their answers cached until the database changes. A plain page of a list
 * stays on the main thread, where it costs less than the hand-off would. Cached answers are shared
 * between requests: callers read them and build new objects, never change them.
 */
export function offloadExpensiveReads(
  repositories: Repositories,
  pool: ReadPool,
  sqlite: Database.Database,
): Repositories {
  const { articles, related } = repositories;
  const cached = createAnswerCache(sqlite);
  return {
    ...repositories,
    articles: {
      ...articles,
      listArticles: (query) =>
        query.match || query.facets?.length || query.includeTotal
          ? cached(`articles:${JSON.stringify(query)}`, () => pool.run('listArticles', query))
          : articles.listArticles(query),
    },
    related: {
      ...related,
      listRelatedArticles: (id, limit) =>
        cached(`related:${id}:${limit}`, () => pool.run('listRelatedArticles', id, limit)),
    },
  };
}
