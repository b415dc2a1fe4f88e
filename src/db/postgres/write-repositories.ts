import type { ArticlesRepository, Repositories } from '../../domain/ports.js';
import { createPostgresApiKeysRepository } from './api-keys-repository.js';
import { deletePostgresArticle } from './article-deletion.js';
import { createPostgresChangesRepository } from './changes-repository.js';
import type { PostgresDb } from './connection.js';
import { createPostgresEditsRepository } from './edits-repository.js';
import { createPostgresIngestRepository } from './ingest-repository.js';
import { createPostgresWebhooksRepository } from './webhooks-repository.js';

/** The repositories that write, on PostgreSQL; the read side comes with the articles repository. */
export interface PostgresWriteRepositories
  extends Pick<Repositories, 'ingest' | 'apiKeys' | 'edits' | 'changes' | 'webhooks'> {
  deleteArticle: ArticlesRepository['deleteArticle'];
}

export function createPostgresWriteRepositories(db: PostgresDb): PostgresWriteRepositories {
  return {
    ingest: createPostgresIngestRepository(db),
    apiKeys: createPostgresApiKeysRepository(db),
    deleteArticle: deletePostgresArticle(db),
    edits: createPostgresEditsRepository(db),
    changes: createPostgresChangesRepository(db),
    webhooks: createPostgresWebhooksRepository(db),
  };
}
