import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestRequest } from './draft.js';
import type { IngestService } from './ingest.js';
import { IngestObject, overridesOf } from './ingest-object.js';

const contentTypes: Record<string, string> = {
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
};
const ingestible = new Set([...Object.keys(contentTypes), '.json']);

/**
 * A `sources.json` beside raw `.txt`/`.html` files maps their file names to the URLs they were
 * scraped from: raw text has nowhere else to say where it came from.
 */
const manifestName = 'sources.json';

/** Expands files and directories (recursively) into the ingestible files they hold, sorted. */
export async function listIngestibleFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    if ((await stat(entry)).isDirectory()) {
      const children = await readdir(entry, { recursive: true, withFileTypes: true });
      for (const child of children) {
        const isIngestible =
          ingestible.has(path.extname(child.name).toLowerCase()) && child.name !== manifestName;
        if (child.isFile() && isIngestible) files.push(path.join(child.parentPath, child.name));
      }
    } else {
      files.push(entry);
    }
  }
  return files.sort();
}

/** Reads each folder's sources.json once. */
function sourceUrls() {
  const manifests = new Map<string, Promise<Record<string, string>>>();
  return async (file: string): Promise<string | undefined> => {
    const folder = path.dirname(file);
    let manifest = manifests.get(folder);
    if (!manifest) {
      manifest = readFile(path.join(folder, manifestName), 'utf8').then(
        (text) => JSON.parse(text) as Record<string, string>,
        () => ({}),
      );
      manifests.set(folder, manifest);
    }
    return (await manifest)[path.basename(file)];
  };
}

/** Reads a file as an ingest request: `.txt` and `.html` as raw bytes, `.json` as an ingest object. */
async function readIngestFile(
  file: string,
  sourceUrlOf: (file: string) => Promise<string | undefined>,
): Promise<IngestRequest> {
  const extension = path.extname(file).toLowerCase();
  const bytes = await readFile(file);
  if (extension === '.json') {
    const object = IngestObject.parse(JSON.parse(bytes.toString('utf8')));
    return { raw: object.raw, contentType: object.content_type, overrides: overridesOf(object) };
  }
  const sourceUrl = await sourceUrlOf(file);
  return {
    raw: bytes,
    contentType: contentTypes[extension] ?? 'text/plain',
    overrides: sourceUrl ? { source_url: sourceUrl } : {},
  };
}

export interface IngestFilesSummary {
  created: number;
  duplicate: number;
  rejected: { file: string; reason: string }[];
}

/**
 * Ingests files through the same service the API uses, a hundred to a transaction as batches are;
 * a file that fails is reported and the rest go on.
 */
export async function ingestFiles(
  service: IngestService,
  files: string[],
  onProgress?: (done: number, file: string) => void,
): Promise<IngestFilesSummary> {
  const summary: IngestFilesSummary = { created: 0, duplicate: 0, rejected: [] };
  const sourceUrlOf = sourceUrls();
  let done = 0;
  for (let start = 0; start < files.length; start += 100) {
    const group = files.slice(start, start + 100);
    const requests: { file: string; request: IngestRequest }[] = [];
    for (const file of group) {
      try {
        requests.push({ file, request: await readIngestFile(file, sourceUrlOf) });
      } catch (error) {
        summary.rejected.push({ file, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const outcomes = await service.ingestMany(requests.map(({ request }) => request));
    outcomes.forEach((outcome, index) => {
      if ('status' in outcome) {
        summary[outcome.status]++;
      } else {
        const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        summary.rejected.push({ file: requests[index]!.file, reason });
      }
    });
    done += group.length;
    onProgress?.(done, group.at(-1)!);
  }
  summary.rejected.sort((a, b) => a.file.localeCompare(b.file));
  return summary;
}
