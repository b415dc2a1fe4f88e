import Database from 'better-sqlite3';
import fastJson from 'fast-json-stringify';
import Fastify from 'fastify';
import { encodeCursor } from '../src/lib/cursor.js';

/**
 * The baseline of `npm run bench:http`, in its own process: plain Fastify and better-sqlite3 with
 * hand-written SQL and a fast-json-stringify schema, no validation, hooks, ETags or logging. It
 * serves exactly Gazette's documents (the benchmark compares the bytes before measuring). It builds
 * authors and tags from the link tables, as a plain schema would, where Gazette on SQLite reads them
 * ready-built from `article_cards`: the ratio is Gazette's overhead less what that saves.
 * Usage: http-bare.ts <database> <port> <body columns, comma-separated>.
 */
const [databasePath, port, bodyList] = process.argv.slice(2) as [string, string, string];
const bodies = bodyList.split(',').filter(Boolean);

const nullable = (type: string) => ({ type: [type, 'null'] });
const summaryProperties = {
  id: { type: 'integer' },
  slug: { type: 'string' },
  title: { type: 'string' },
  subtitle: nullable('string'),
  excerpt: { type: 'string' },
  images: {
    type: 'array',
    items: {
      type: 'object',
      properties: { caption: { type: 'string' }, credit: nullable('string'), date: nullable('string') },
    },
  },
  authors: {
    type: 'array',
    items: {
      type: 'object',
      properties: { id: { type: 'integer' }, slug: { type: 'string' }, name: { type: 'string' } },
    },
  },
  tags: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        slug: { type: 'string' },
        name: { type: 'string' },
        derived: { type: 'boolean' },
      },
    },
  },
  language: nullable('string'),
  word_count: { type: 'integer' },
  reading_time_minutes: { type: 'integer' },
  published_at: nullable('string'),
  source_url: nullable('string'),
  content_hash: { type: 'string' },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
};
const articleSchema = {
  type: 'object',
  properties: {
    ...summaryProperties,
    ...Object.fromEntries(bodies.map((body) => [body, { type: 'string' }])),
  },
};
const pageSchema = {
  type: 'object',
  properties: {
    data: { type: 'array', items: { type: 'object', properties: summaryProperties } },
    page: {
      type: 'object',
      properties: { next_cursor: nullable('string'), limit: { type: 'integer' } },
    },
  },
};

const columns = `id, slug, title, subtitle, excerpt, images, language, word_count, reading_time_minutes,
  published_at, source_url, content_hash, created_at, updated_at,
  (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id) AS authors,
  (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags`;
const newestFirst = 'ORDER BY a.published_sort DESC, a.id DESC LIMIT 21';

const db = new Database(databasePath, { readonly: true });
const oneArticle = db.prepare(`SELECT ${[columns, ...bodies].join(', ')} FROM articles a WHERE a.slug = ?`);
const pages = {
  all: db.prepare(`SELECT ${columns} FROM articles a ${newestFirst}`),
  // Walk the date index and probe each article's links: fast for common tags, a scan for rare ones.
  tag: db.prepare(`SELECT ${columns} FROM articles a WHERE EXISTS (SELECT 1 FROM article_tags at
    WHERE at.article_id = a.id AND at.tag_id = (SELECT id FROM tags WHERE slug = ?)) ${newestFirst}`),
  author: db.prepare(`SELECT ${columns} FROM articles a WHERE EXISTS (SELECT 1 FROM article_authors aa
    WHERE aa.article_id = a.id AND aa.author_id = (SELECT id FROM authors WHERE slug = ?)) ${newestFirst}`),
};

type Row = Record<string, unknown> & { id: number; published_at: string | null };
function parsed(row: Row): Row {
  row.images = JSON.parse(row.images as string);
  row.authors = JSON.parse(row.authors as string);
  row.tags = JSON.parse(row.tags as string);
  return row;
}

function page(rows: Row[]) {
  const data = rows.slice(0, 20).map(parsed);
  const last = data.at(-1);
  const next = rows.length > 20 && last ? encodeCursor([last.published_at ?? '', last.id]) : null;
  return { data, page: { next_cursor: next, limit: 20 } };
}

const app = Fastify();
const serializeArticle = fastJson(articleSchema as Parameters<typeof fastJson>[0]);
const serializePage = fastJson(pageSchema as Parameters<typeof fastJson>[0]);
app.get('/articles/:slug', (request, reply) => {
  const row = oneArticle.get((request.params as { slug: string }).slug) as Row | undefined;
  if (!row) return reply.code(404).send();
  reply.type('application/json; charset=utf-8').send(serializeArticle(parsed(row)));
});
app.get('/articles', (request, reply) => {
  const { tag, author } = request.query as { tag?: string; author?: string };
  const rows = tag ? pages.tag.all(tag) : author ? pages.author.all(author) : pages.all.all();
  reply.type('application/json; charset=utf-8').send(serializePage(page(rows as Row[])));
});
app.get('/healthz', () => ({ status: 'ok' }));

await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log('ready');
