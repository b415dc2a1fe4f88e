import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../../lib/errors.js';
import { lowerThreadPriority } from '../../lib/thread-priority.js';
import { createArticlesRepository } from './articles-repository.js';
import { openReadOnlyDatabase } from './connection.js';
import type { ReadReply } from './read-pool.js';
import { createRelatedRepository } from './related-repository.js';

/**
 * One read worker of the pool in read-pool.ts: its own read-only connection, and the repository
 * methods the main thread hands over because they can take long.
 */
lowerThreadPriority();
const options = workerData as { databasePath: string; searchSampleSize: number | undefined };
const db = openReadOnlyDatabase(options.databasePath);
const articles = createArticlesRepository(db, options);
const related = createRelatedRepository(db);

const methods = {
  listArticles: articles.listArticles,
  listRelatedArticles: related.listRelatedArticles,
};

export type ReadMethods = typeof methods;

const port = parentPort!;
port.on(
  'message',
  async ({ id, method, args }: { id: number; method: keyof ReadMethods; args: unknown[] }) => {
    let reply: ReadReply;
    try {
      const result = await (methods[method] as (...values: unknown[]) => unknown)(...args);
      reply = { id, json: JSON.stringify(result) };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = {
        id,
        error:
          failure instanceof DomainError
            ? {
                message: failure.message,
                status: failure.status,
                ...(failure.errors ? { errors: failure.errors } : {}),
              }
            : { message: failure.message },
      };
    }
    port.postMessage(reply);
  },
);
port.postMessage({ ready: true } satisfies ReadReply);
