import type { Config } from '../config.js';
import type { Repositories } from '../db/index.js';
import { createApiKeyService } from './api-keys.js';
import { createCatalogService } from './catalog.js';
import { createIngestService } from './ingest.js';

export function createServices(repositories: Repositories, config: Pick<Config, 'apiKeys'>) {
  return {
    catalog: createCatalogService(repositories),
    apiKeys: createApiKeyService(repositories, config.apiKeys),
    ingest: createIngestService(repositories),
  };
}

export type Services = ReturnType<typeof createServices>;
