import type { Repositories } from '../../domain/ports.js';
import { ServiceUnavailable } from '../../lib/errors.js';
import type { Storage, StorageOptions } from '../open.js';
import { checkPostgres, migratePostgres, openPostgres } from './connection.js';
import { createPostgresReadRepositories } from './read-repositories.js';
import { createPostgresTransferRepository } from './transfer-repository.js';
import { createPostgresWriteRepositories } from './write-repositories.js';

interface PostgresLocation {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
}

/**
 * Gazette on PostgreSQL: a bounded pool with a statement timeout, migrated at open. No read workers:
 * the pool already runs every query off the event loop.
 */
export async function openPostgresStorage(
  location: PostgresLocation,
  options: Pick<StorageOptions, 'searchSampleSize'>,
): Promise<Storage> {
  await migratePostgresDatabase(location.url);
  const db = openPostgres({
    url: location.url,
    maxConnections: location.poolMax,
    statementTimeoutMs: location.statementTimeoutMs,
  });
  const reads = createPostgresReadRepositories(db, { searchSampleSize: options.searchSampleSize });
  const { deleteArticle, ...writes } = createPostgresWriteRepositories(db);
  const repositories: Repositories = {
    ...reads,
    ...writes,
    articles: { ...reads.articles, deleteArticle },
    transfer: createPostgresTransferRepository(db),
  };
  return {
    repositories: cancelledAsUnavailable(repositories),
    check: () => checkPostgres(db),
    // PostgreSQL has no cheap per-request commit counter: responses are not cached.
    dataVersion: undefined,
    async sizeBytes() {
      const result = await db.$client.query<{ bytes: string }>(
        'SELECT pg_database_size(current_database())::text AS bytes',
      );
      return Number(result.rows[0]?.bytes ?? 0);
    },
    close: () => db.$client.end(),
  };
}

/**
 * Applies pending migrations on a connection of their own, without the statement timeout that
 * bounds requests: a migration on a large database may rightly take longer.
 */
export async function migratePostgresDatabase(url: string): Promise<void> {
  const db = openPostgres({ url, maxConnections: 1, statementTimeoutMs: 0 });
  try {
    await migratePostgres(db);
  } finally {
    await db.$client.end();
  }
}

/** SQLSTATE of a statement the server cancelled: past DATABASE_STATEMENT_TIMEOUT_MS, or by an operator. */
const queryCanceled = '57014';

/** Whether the error, or one it wraps (Drizzle wraps the driver's), is a cancelled statement. */
function canceled(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause)
    if ((cause as { code?: unknown }).code === queryCanceled) return true;
  return false;
}

function unavailableIfCanceled(error: unknown): never {
  if (canceled(error))
    throw new ServiceUnavailable('The database did not answer in time; retry in a moment.');
  throw error;
}

/**
 * The repositories, with a statement the server cancelled answering 503 (as a search past its
 * deadline does on SQLite) instead of 500: it says the database is busy, not that Gazette is broken.
 */
function cancelledAsUnavailable(repositories: Repositories): Repositories {
  const wrap = (repository: object) =>
    Object.fromEntries(
      Object.entries(repository).map(([name, member]) => [
        name,
        typeof member === 'function'
          ? (...args: unknown[]) => {
              const result = member.apply(repository, args);
              return result instanceof Promise ? result.catch(unavailableIfCanceled) : result;
            }
          : member,
      ]),
    );
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [name, wrap(repository)]),
  ) as unknown as Repositories;
}
