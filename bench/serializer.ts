import { createSerializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ArticlePage } from '../src/http/schemas.js';
import { compiledSerializerCompiler } from '../src/http/serializer.js';
import { isMain, median } from './support.js';

/** One page of 20 list items, shaped like a real response. */
function samplePage() {
  const item = (id: number) => ({
    id,
    slug: `article-${id}`,
    title: `A headline about harbour number ${id}`,
    subtitle: null,
    excerpt:
      'The council approved six battery ferries on Tuesday, after a debate that ran late into the evening…',
    images: [{ caption: 'A ferry leaves the north terminal', credit: null, date: '2026-03-14' }],
    authors: [{ id: 3, slug: 'amara-okafor', name: 'Amara Okafor' }],
    tags: [
      { id: 7, slug: 'energy', name: 'Energy', derived: false },
      { id: 9, slug: 'transport', name: 'Transport', derived: true },
    ],
    language: 'en',
    word_count: 642,
    reading_time_minutes: 3,
    published_at: '2026-03-14T09:30:00.000Z',
    source_url: `https://news.example.com/2026/03/14/${id}`,
    content_hash: 'ab'.repeat(32),
    created_at: '2026-03-14T10:02:11.512Z',
    updated_at: '2026-03-14T10:02:11.512Z',
  });
  return {
    data: Array.from({ length: 20 }, (_, index) => item(index + 1)),
    page: { next_cursor: 'WyIyMDI2Il0', limit: 20 },
  };
}

/**
 * Serializing one list page: Gazette's compiled fast-json-stringify serializer against the zod type
 * provider's own (zod walks the value, then JSON.stringify) and plain JSON.stringify, median of 5
 * runs of 20,000 pages.
 */
export function benchSerializer() {
  const page = samplePage();
  const compiled = compiledSerializerCompiler({
    schema: ArticlePage,
    method: 'GET',
    url: '/v1/articles',
    httpStatus: '200',
  });
  const zodSerializer = createSerializerCompiler()({
    schema: ArticlePage as z.ZodType,
    method: 'GET',
    url: '/v1/articles',
    httpStatus: '200',
  });
  const rate = (serialize: (data: unknown) => string) => {
    const runs: number[] = [];
    for (let run = 0; run < 6; run++) {
      const start = process.hrtime.bigint();
      for (let index = 0; index < 20_000; index++) serialize(page);
      if (run > 0) runs.push(20_000 / (Number(process.hrtime.bigint() - start) / 1e9));
    }
    return median(runs);
  };
  if (compiled(page) !== zodSerializer(page) || compiled(page) !== JSON.stringify(page))
    console.log('  (the two serializers disagree on the sample page)');
  const ours = rate(compiled);
  const theirs = rate(zodSerializer);
  const plain = rate(JSON.stringify);
  console.log('serializer, one 20-item article page:');
  console.log(`  compiled (fast-json-stringify): ${Math.round(ours)} pages/s`);
  console.log(
    `  zod type provider:              ${Math.round(theirs)} pages/s (compiled is ${(ours / theirs).toFixed(1)}×)`,
  );
  console.log(
    `  JSON.stringify (no schema):     ${Math.round(plain)} pages/s (compiled is ${(ours / plain).toFixed(2)}×)`,
  );
}

if (isMain(import.meta.url)) benchSerializer();
