import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';

const SEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');
const sources = JSON.parse(readFileSync(path.join(SEEDS, 'sources.json'), 'utf8')) as Record<string, string>;

interface JsonSeed {
  raw: string;
  content_type: string;
  source_url: string;
}

const seeds = readdirSync(SEEDS)
  .filter((file) => file !== 'sources.json')
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(SEEDS, file), 'utf8');
    if (file.endsWith('.json')) {
      const seed = JSON.parse(text) as JsonSeed;
      return { file, body: seed.raw, contentType: seed.content_type, sourceUrl: seed.source_url };
    }
    const contentType = file.endsWith('.html') ? 'text/html' : 'text/plain';
    return { file, body: text, contentType, sourceUrl: sources[file] ?? null };
  });

t.ok(seeds.length >= 6, 'at least six seed articles');
t.ok(new Set(seeds.map((seed) => seed.sourceUrl)).size === seeds.length, 'every seed has its own source URL');

for (const seed of seeds) {
  t.test(`seed ${seed.file} parses`, async (t) => {
    const outcome = parseArticle({
      body: seed.body,
      contentType: seed.contentType,
      sourceUrl: seed.sourceUrl,
    });
    if (!outcome.ok) throw new Error(outcome.detail);
    t.ok(outcome.article.paragraphs.length >= 3, 'has a body of several paragraphs');
    t.ok(outcome.article.title.length > 10, 'has a title');
  });
}
