import type { Config } from '../config.js';
import type { Repositories } from '../domain/ports.js';
import { createApiKeyService } from './api-keys.js';
import { createArticleDeletionService } from './article-deletion.js';
import { createArticleEditingService } from './article-editing.js';
import { createCatalogService } from './catalog.js';
import { createCollectionEditingService } from './collection-editing.js';
import { createFeedService } from './feeds.js';
import { createIngestService, type IngestObserver } from './ingest.js';
import type { ParserPool } from './parser-pool.js';
import { createRelatedService } from './related.js';

export function createServices(
  repositories: Repositories,
  config: Pick<Config, 'apiKeys'>,
  parser: ParserPool,
  ingestObserver?: IngestObserver,
) {
  const catalog = createCatalogService(repositories);
  return {
    catalog,
    deletion: createArticleDeletionService(repositories),
    editing: createArticleEditingService(repositories),
    collectionEditing: createCollectionEditingService(repositories),
    apiKeys: createApiKeyService(repositories, config.apiKeys),
    ingest: createIngestService(repositories, parser, ingestObserver),
    related: createRelatedService(repositories),
    feeds: createFeedService(catalog),
  };
}

export type Services = ReturnType<typeof createServices>;
