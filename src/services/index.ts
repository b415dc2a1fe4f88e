import type { Config } from '../config.js';
import type { Repositories } from '../domain/ports.js';
import { createApiKeyService } from './api-keys.js';
import { createArticleDeletionService } from './article-deletion.js';
import { createArticleEditingService } from './article-editing.js';
import { createCatalogService } from './catalog.js';
import { createChangesService } from './changes.js';
import { createCollectionEditingService } from './collection-editing.js';
import { createFeedService } from './feeds.js';
import { createIngestService, type IngestObserver } from './ingest.js';
import type { ParserPool } from './parser-pool.js';
import { createRelatedService } from './related.js';
import { createTransferService } from './transfer.js';
import { createWebhookDispatcher } from './webhook-dispatcher.js';
import { createWebhookService } from './webhooks.js';

export function createServices(
  stores: Repositories,
  config: Pick<Config, 'apiKeys' | 'webhooks' | 'changesMaxWaiting'>,
  parser: ParserPool,
  ingestObserver?: IngestObserver,
  webhookAttempted?: (outcome: 'success' | 'failure') => void,
) {
  const changes = createChangesService(stores, { maxWaiting: config.changesMaxWaiting });
  // Writes wake requests waiting on the change feed.
  const repositories = changes.signalWrites(stores);
  const catalog = createCatalogService(repositories);
  return {
    catalog,
    changes,
    deletion: createArticleDeletionService(repositories),
    editing: createArticleEditingService(repositories),
    collectionEditing: createCollectionEditingService(repositories),
    apiKeys: createApiKeyService(repositories, config.apiKeys),
    ingest: createIngestService(repositories, parser, ingestObserver),
    related: createRelatedService(repositories),
    feeds: createFeedService(catalog),
    transfer: createTransferService(repositories),
    webhooks: createWebhookService(repositories, config.webhooks),
    webhookDispatcher: createWebhookDispatcher(repositories, {
      ...config.webhooks,
      ...(webhookAttempted ? { attempted: webhookAttempted } : {}),
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
