import type { Repositories } from '../domain/ports.js';
import type { Storage, StorageOptions } from './open.js';
import { checkPostgres, migratePostgres, openPostgres } from './postgres/connection.js';
import { createPostgresReadRepositories } from './postgres/read-repositories.js';
import { createPostgresTransferRepository } from './postgres/transfer-repository.js';
import { createPostgresWriteRepositories } from './postgres/write-repositories.js';

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
  const db = openPostgres({
    url: location.url,
    maxConnections: location.poolMax,
    statementTimeoutMs: location.statementTimeoutMs,
  });
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.$client.end();
    throw error;
  }
  const reads = createPostgresReadRepositories(db, { searchSampleSize: options.searchSampleSize });
  const { deleteArticle, ...writes } = createPostgresWriteRepositories(db);
  const repositories: Repositories = {
    ...reads,
    ...writes,
    articles: { ...reads.articles, deleteArticle },
    transfer: createPostgresTransferRepository(db),
  };
  return {
    repositories,
    check: () => checkPostgres(db),
    async sizeBytes() {
      const result = await db.$client.query<{ bytes: string }>(
        'SELECT pg_database_size(current_database())::text AS bytes',
      );
      return Number(result.rows[0]?.bytes ?? 0);
    },
    close: () => db.$client.end(),
  };
}
