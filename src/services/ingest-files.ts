import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestRequest, IngestService } from './ingest.js';
import { IngestObject, overridesOf } from './ingest-object.js';

const contentTypes: Record<string, string> = {
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
};
const ingestible = new Set([...Object.keys(contentTypes), '.json']);

/** Expands files and directories (recursively) into the ingestible files they hold, sorted. */
export async function listIngestibleFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    if ((await stat(entry)).isDirectory()) {
      const children = await readdir(entry, { recursive: true, withFileTypes: true });
      for (const child of children) {
        const file = path.join(child.parentPath, child.name);
        if (child.isFile() && ingestible.has(path.extname(child.name).toLowerCase())) files.push(file);
      }
    } else {
      files.push(entry);
    }
  }
  return files.sort();
}

/** Reads a file as an ingest request: `.txt` and `.html` as raw bytes, `.json` as an ingest object. */
export async function readIngestFile(file: string): Promise<IngestRequest> {
  const extension = path.extname(file).toLowerCase();
  const bytes = await readFile(file);
  if (extension === '.json') {
    const object = IngestObject.parse(JSON.parse(bytes.toString('utf8')));
    return { raw: object.raw, contentType: object.content_type, overrides: overridesOf(object) };
  }
  return { raw: bytes, contentType: contentTypes[extension] ?? 'text/plain', overrides: {} };
}

export interface IngestFilesSummary {
  created: number;
  duplicate: number;
  rejected: { file: string; reason: string }[];
}

/** Ingests each file through the same service the API uses; a file that fails is reported, the rest go on. */
export async function ingestFiles(
  service: IngestService,
  files: string[],
  onProgress?: (file: string) => void,
): Promise<IngestFilesSummary> {
  const summary: IngestFilesSummary = { created: 0, duplicate: 0, rejected: [] };
  for (const file of files) {
    try {
      const result = await service.ingestArticle(await readIngestFile(file));
      if (result.ingest.status === 'duplicate') summary.duplicate++;
      else summary.created++;
    } catch (error) {
      summary.rejected.push({ file, reason: error instanceof Error ? error.message : String(error) });
    }
    onProgress?.(file);
  }
  return summary;
}
