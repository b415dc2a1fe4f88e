import { createApiKeysRepository } from './api-keys-repository.js';
import { createArticlesRepository } from './articles-repository.js';
import { createAuthorsRepository } from './authors-repository.js';
import type { Db } from './connection.js';
import { createIngestRepository } from './ingest-repository.js';
import { createRelatedRepository } from './related-repository.js';
import { createTagsRepository } from './tags-repository.js';

/** Every query Gazette runs, grouped by resource; services receive this and never see SQL. */
export function createRepositories(db: Db, options: { searchSampleSize?: number | undefined } = {}) {
  return {
    articles: createArticlesRepository(db, options),
    authors: createAuthorsRepository(db),
    tags: createTagsRepository(db),
    ingest: createIngestRepository(db),
    apiKeys: createApiKeysRepository(db),
    related: createRelatedRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
