import type { ChangeEvent } from '../domain/changes.js';
import type { ChangesRepository, Repositories } from '../domain/ports.js';
import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import { Conflict, ServiceUnavailable } from '../lib/errors.js';

/** A page of the change feed; `next_cursor` is always there, so a consumer polls on from it. */
export interface ChangePage {
  data: ChangeEvent[];
  page: { next_cursor: string; limit: number };
}

export interface ChangesQuery {
  cursor?: string | undefined;
  limit: number;
  /** When the page would be empty, how long to hold the request for the next event. */
  waitSeconds: number;
  /** Aborted when the client goes away, ending the wait early. */
  signal?: AbortSignal | undefined;
}

/** How often a waiting request looks for events another process wrote to the same database. */
const pollIntervalMs = 500;

/** When the held requests are at their cap, how long a refused one is told to wait before trying again. */
export const changesRetryAfterSeconds = 5;

type Position = [number];
const isPosition = (values: unknown[]): values is Position =>
  values.length === 1 && Number.isSafeInteger(values[0]) && (values[0] as number) >= 0;

type WakeReason = 'event' | 'timeout' | 'closed';

interface Waiter {
  after: number;
  done: (reason: WakeReason) => void;
}

/**
 * Holds long-poll requests until an event past their position lands. Writes in this process wake it
 * right after they commit; while anyone waits it also polls the newest id, for writes by other
 * processes on the same database file.
 */
function createChangeWatch(changes: ChangesRepository, maxWaiting: number) {
  const waiters = new Set<Waiter>();
  let poller: NodeJS.Timeout | undefined;
  let checkQueued = false;
  let closed = false;

  async function check() {
    checkQueued = false;
    if (waiters.size === 0) return;
    let latest: number;
    try {
      latest = await changes.latestChangeId();
    } catch {
      return; // The next poll tries again; a waiter still ends at its deadline.
    }
    for (const waiter of waiters) if (latest > waiter.after) waiter.done('event');
  }

  function wake() {
    if (checkQueued || waiters.size === 0) return;
    checkQueued = true;
    setImmediate(check);
  }

  function wait(after: number, ms: number, signal?: AbortSignal): Promise<WakeReason> {
    if (closed || signal?.aborted) return Promise.resolve('closed');
    // Each held request keeps a socket and a timer: past the cap, the client retries later instead.
    if (waiters.size >= maxWaiting) {
      throw new ServiceUnavailable(
        `The server already holds as many requests waiting for changes as it allows (${maxWaiting}); ` +
          `retry in ${changesRetryAfterSeconds} s, or read without \`wait\`.`,
      );
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        after,
        done(reason) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(waiter);
          if (waiters.size === 0) {
            clearInterval(poller);
            poller = undefined;
          }
          resolve(reason);
        },
      };
      const timer = setTimeout(() => waiter.done('timeout'), ms);
      const onAbort = () => waiter.done('closed');
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
      poller ??= setInterval(check, pollIntervalMs).unref();
      // An event may have landed between the caller's read and now.
      wake();
    });
  }

  /** Ends every wait (they answer with an empty page) and refuses new ones: the server is closing. */
  function close() {
    closed = true;
    for (const waiter of waiters) waiter.done('closed');
  }

  return { wait, wake, close };
}

/**
 * Repository methods that append events, by repository: after each settles, the feed wakes its
 * waiters. A write missing here is still seen, by the poll, within `pollIntervalMs`.
 */
const eventWriters: { [K in keyof Repositories]?: (keyof Repositories[K])[] } = {
  ingest: ['storeArticles', 'reparseArticle'],
  articles: ['deleteArticle'],
  edits: ['updateArticle', 'updateAuthor', 'updateTag', 'mergeTag'],
};

/** `repository` with each of `methods` calling `after` once its promise settles. */
function signalling<T extends object>(repository: T, methods: (keyof T)[], after: () => void): T {
  const wrapped = { ...repository } as Record<PropertyKey, unknown>;
  for (const name of methods) {
    const method = repository[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = (...args: unknown[]) => method.apply(repository, args).finally(after);
  }
  return wrapped as T;
}

/** The change feed: every change to articles, authors and tags, in order, for consumers to follow. */
export function createChangesService(repositories: Repositories, options: { maxWaiting: number }) {
  const { changes } = repositories;
  const watch = createChangeWatch(changes, options.maxWaiting);

  /**
   * Ids only grow, so a cursor past the newest event was not issued by this database as it is now:
   * it was restored from an older backup, or the cursor comes from another server. Waiting would
   * skip the events that reuse those ids; the consumer has to start over.
   */
  async function refuseCursorAhead(after: number) {
    const latest = await changes.latestChangeId();
    if (after > latest) {
      throw new Conflict(
        `The cursor is past the newest event (${latest}): the database was restored from an earlier ` +
          'backup, or the cursor comes from another server. Replay the feed from the start, without a cursor.',
        [{ path: 'query.cursor', message: 'ahead of the feed' }],
      );
    }
  }

  async function pageAfter(after: number, limit: number): Promise<ChangePage> {
    const data = await changes.listChanges(after, limit);
    const position = data.at(-1)?.id ?? after;
    return { data, page: { next_cursor: encodeCursor([position]), limit } };
  }

  return {
    /** Events after the cursor (from the start without one); with a wait, held until one lands. */
    async listChanges(query: ChangesQuery): Promise<ChangePage> {
      const [after] = query.cursor === undefined ? [0] : decodeCursor<Position>(query.cursor, isPosition);
      const page = await pageAfter(after, query.limit);
      if (page.data.length > 0) return page;
      await refuseCursorAhead(after);
      if (query.waitSeconds === 0) return page;
      const reason = await watch.wait(after, query.waitSeconds * 1000, query.signal);
      // Closing: answer without touching storage, which is about to close too.
      return reason === 'closed' ? page : pageAfter(after, query.limit);
    },
    /** The repositories with their writes waking the feed's waiters; every other service uses these. */
    signalWrites(all: Repositories): Repositories {
      const signalled = { ...all } as Record<keyof Repositories, object>;
      for (const [name, methods] of Object.entries(eventWriters) as [keyof Repositories, never[]][]) {
        signalled[name] = signalling(all[name], methods, watch.wake);
      }
      return signalled as Repositories;
    },
    /** Ends held requests; the server calls this as it starts closing. */
    close: watch.close,
  };
}
