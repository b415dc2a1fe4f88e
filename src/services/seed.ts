import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogService } from './catalog.js';
import type { IngestService } from './ingest.js';
import { type IngestFilesSummary, ingestFiles, listIngestibleFiles } from './ingest-files.js';

/** The sample articles a fresh install ingests, resolved from this module so any cwd works. */
export const seedsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');

export async function seed(ingest: IngestService): Promise<IngestFilesSummary> {
  return ingestFiles(ingest, await listIngestibleFiles([seedsFolder]));
}

/** Seeds only a database with no articles, so restarts never re-add what a user deleted. */
export async function seedIfEmpty(
  catalog: CatalogService,
  ingest: IngestService,
): Promise<IngestFilesSummary | null> {
  if (await catalog.hasArticles()) return null;
  return seed(ingest);
}
