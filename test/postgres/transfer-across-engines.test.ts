import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp } from '../support/app.js';
import { postgresTest } from '../support/postgres.js';
import { exportOf, linesOf, populate, served, urlsToCompare } from '../support/transfer.js';

/**
 * What a client reads of an answer: its status and its parsed body. Keys in JSON objects may come in
 * another order (PostgreSQL's jsonb sorts them). Searches by relevance rank with other scores
 * (SQLite's bm25, PostgreSQL's ts_rank), so their matches are compared as a set; and each engine
 * cuts its own snippets (snippet(), ts_headline): compared is that a snippet marks a hit.
 */
function answer(url: string, served: unknown): { status: number; body: { data: { id: number }[] } } {
  const { status, body } = served as { status: number; body: string };
  const parsed = JSON.parse(body);
  for (const item of parsed.data ?? [])
    if (typeof item.snippet === 'string') item.snippet = item.snippet.includes('<mark>');
  if (url.includes('q=') && !url.includes('sort=')) parsed.data.sort((a: Item, b: Item) => a.id - b.id);
  return { status, body: parsed };
}

type Item = { id: number };

const linesFrom = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

/** Every page of a list, by the cursors it hands out. */
async function pagesOf(app: FastifyInstance, first: string): Promise<string[]> {
  const urls = [first];
  for (;;) {
    const { page } = (await app.inject(urls.at(-1)!)).json();
    if (!page.next_cursor) return urls;
    urls.push(`${first}&cursor=${page.next_cursor}`);
  }
}

postgresTest(
  t,
  'a SQLite export imported into PostgreSQL serves the same answers',
  async (t, postgresUrl) => {
    const source = await buildTestApp(t, {}, 'sqlite');
    const { edited, deleted } = await populate(source);
    const text = await exportOf(source);
    const target = await buildTestApp(t, { DATABASE_URL: postgresUrl });
    t.equal(await target.services.transfer.importFrom(linesOf(text)), text.trim().split('\n').length - 1);

    const searches = [
      '/v1/articles?q=council',
      '/v1/articles?q=harbour&facets=tag,author,month',
      '/v1/articles?q=%22public%20libraries%22',
      '/v1/articles?q=librar*%20NOT%20district',
      '/v1/articles?q=budget&sort=-published_at',
    ];
    const lists = [
      ...(await pagesOf(source, '/v1/articles?limit=3')),
      ...(await pagesOf(source, '/v1/articles?limit=2&sort=published_at')),
      ...(await pagesOf(source, '/v1/authors?limit=2')),
      ...(await pagesOf(source, '/v1/tags?limit=2')),
      '/v1/articles?tag=harbour-works&facets=tag,author,month',
    ];
    const urls = await urlsToCompare(source, [
      `/v1/articles/${edited.slug}`,
      `/v1/articles/${deleted.id}`,
      `/v1/articles/${deleted.slug}`,
      ...searches,
      ...lists,
    ]);
    const before = await served(source, urls);
    const after = await served(target, urls);
    for (const url of urls) t.same(answer(url, after[url]), answer(url, before[url]), url);
    t.ok(
      searches.every((url) => answer(url, before[url]).body.data.length > 0),
      'every search compared finds something',
    );
    t.ok(lists.length > 10, `${lists.length} list pages compared`);
    t.same(linesFrom(await exportOf(target)), linesFrom(text), 'PostgreSQL exports what SQLite wrote');
    const otherBytes = urls.filter(
      (url) => !url.includes('q=') && JSON.stringify(after[url]) !== JSON.stringify(before[url]),
    );
    t.same(otherBytes, [], 'byte for byte, ETags included, searches aside');
  },
);
