import { packagePath } from '../lib/package-files.js';
import type { CatalogService } from './catalog.js';
import type { IngestService } from './ingest.js';
import { type IngestFilesSummary, ingestFiles, listIngestibleFiles } from './ingest-files.js';

/** The sample articles a fresh install ingests. */
export const seedsFolder = packagePath('seeds');

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
