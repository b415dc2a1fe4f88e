import type { Repositories } from '../../domain/ports.js';
import { createApiKeysRepository } from './api-keys-repository.js';
import { createArticlesRepository } from './articles-repository.js';
import { createAuthorsRepository } from './authors-repository.js';
import { createChangesRepository } from './changes-repository.js';
import type { Db } from './connection.js';
import { createEditsRepository } from './edits-repository.js';
import { createIngestRepository } from './ingest-repository.js';
import { createRelatedRepository } from './related-repository.js';
import { createTagsRepository } from './tags-repository.js';
import { createTransferRepository } from './transfer-repository.js';
import { createWebhooksRepository } from './webhooks-repository.js';

/** The SQLite implementation of every repository port; services receive this and never see SQL. */
export function createRepositories(
  db: Db,
  options: { searchSampleSize?: number | undefined } = {},
): Repositories {
  return {
    articles: createArticlesRepository(db, options),
    authors: createAuthorsRepository(db),
    tags: createTagsRepository(db),
    ingest: createIngestRepository(db),
    apiKeys: createApiKeysRepository(db),
    related: createRelatedRepository(db),
    changes: createChangesRepository(db),
    webhooks: createWebhooksRepository(db),
    edits: createEditsRepository(db),
    transfer: createTransferRepository(db),
  };
}
