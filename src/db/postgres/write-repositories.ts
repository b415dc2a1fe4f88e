import type { ArticlesRepository, Repositories } from '../../domain/ports.js';
import { createPostgresApiKeysRepository } from './api-keys-repository.js';
import { deletePostgresArticle } from './article-deletion.js';
import type { PostgresDb } from './connection.js';
import { createPostgresEditsRepository } from './edits-repository.js';
import { createPostgresIngestRepository } from './ingest-repository.js';

/** The repositories that write, on PostgreSQL; the read side comes with the articles repository. */
export interface PostgresWriteRepositories extends Pick<Repositories, 'ingest' | 'apiKeys' | 'edits'> {
  deleteArticle: ArticlesRepository['deleteArticle'];
}

export function createPostgresWriteRepositories(db: PostgresDb): PostgresWriteRepositories {
  return {
    ingest: createPostgresIngestRepository(db),
    apiKeys: createPostgresApiKeysRepository(db),
    deleteArticle: deletePostgresArticle(db),
    edits: createPostgresEditsRepository(db),
  };
}
