import type pg from 'pg';
import type { ImportTransaction } from '../../domain/ports.js';
import type { ExportLine } from '../../domain/transfer.js';
import { Conflict } from '../../lib/errors.js';
import { simhashBands } from '../simhash-bands.js';
import { jsonbSafe } from './jsonb.js';

type Line<T extends ExportLine['type']> = Extract<ExportLine, { type: T }>;

/** Tables whose rows mean the database already holds content; keys and webhooks may exist. */
const contentTables = ['articles', 'authors', 'tags', 'ingests', 'deleted_articles', 'events'];
/** Any fixed number: two imports into one database take turns, and the second finds it full. */
const importLock = 7_202_613;

const sql = {
  // The same author or tag arrives with every article naming it: the first one is kept.
  author: `INSERT INTO authors (id, slug, name, name_key, bio, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
  tag: `INSERT INTO tags (id, slug, name, description, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
  tagAlias: 'INSERT INTO tag_slugs (slug, tag_id) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING',
  article: `INSERT INTO articles (id, slug, title, subtitle, excerpt, body_text, body_html, images, language,
    word_count, reading_time_minutes, published_at, source_url, content_hash, author_names, tag_names,
    simhash, edited_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
  articleAuthor: 'INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)',
  articleTag: 'INSERT INTO article_tags (article_id, tag_id, position, derived) VALUES ($1, $2, $3, $4)',
  band: 'INSERT INTO article_simhash_bands (band, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  oldSlug: 'INSERT INTO article_slugs (slug, article_id) VALUES ($1, $2)',
  payload: 'INSERT INTO raw_payloads (sha256, raw) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING',
  // duplicate_of may name an article a later line brings; it is set once every line is in.
  ingest: `INSERT INTO ingests (id, received_at, content_type, source_url, raw_sha256, overrides, status,
    article_id, warnings, report, parser_version, idempotency_key, idempotency_caller)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  duplicateOf: 'UPDATE ingests SET duplicate_of = $2 WHERE id = $1',
  deleted: 'INSERT INTO deleted_articles (article_id, slug, deleted_at) VALUES ($1, $2, $3)',
  deletedSlug: 'INSERT INTO deleted_article_slugs (slug, article_id) VALUES ($1, $2)',
};

function writer(client: pg.PoolClient, duplicates: [number, number][]) {
  const run = (text: string, values: unknown[]) => client.query(text, values);
  const author = (a: Line<'author'>['author']) =>
    run(sql.author, [a.id, a.slug, a.name, a.name_key, a.bio, a.created_at, a.updated_at]);
  const tag = async (t: Line<'tag'>['tag']) => {
    await run(sql.tag, [t.id, t.slug, t.name, t.description, t.created_at, t.updated_at]);
    for (const slug of t.aliases) await run(sql.tagAlias, [slug, t.id]);
  };
  const ingest = async (i: Line<'ingest'>['ingest']) => {
    await run(sql.payload, [i.raw_sha256, Buffer.from(i.raw, 'base64')]);
    await run(sql.ingest, [
      ...[
        i.id,
        i.received_at,
        i.content_type,
        i.source_url,
        i.raw_sha256,
        JSON.stringify(jsonbSafe(i.overrides)),
      ],
      ...[
        i.status,
        i.article_id,
        JSON.stringify(jsonbSafe(i.warnings)),
        JSON.stringify(jsonbSafe(i.report)),
        i.parser_version,
      ],
      ...[i.idempotency_key, i.idempotency_caller],
    ]);
    if (i.duplicate_of !== null) duplicates.push([i.id, i.duplicate_of]);
  };
  const article = async (line: Line<'article'>) => {
    const a = line.article;
    await run(sql.article, [
      ...[a.id, a.slug, a.title, a.subtitle, a.excerpt, a.body_text, a.body_html, JSON.stringify(a.images)],
      ...[a.language, a.word_count, a.reading_time_minutes, a.published_at, a.source_url, a.content_hash],
      ...[a.author_names, a.tag_names, a.simhash, a.edited_at, a.created_at, a.updated_at],
    ]);
    for (const band of simhashBands(a.simhash)) await run(sql.band, [band, a.id]);
    for (const { position, ...byline } of line.authors) {
      await author(byline);
      await run(sql.articleAuthor, [a.id, byline.id, position]);
    }
    for (const { position, derived, ...named } of line.tags) {
      await tag(named);
      await run(sql.articleTag, [a.id, named.id, position, derived]);
    }
    for (const slug of line.old_slugs) await run(sql.oldSlug, [slug, a.id]);
    for (const record of line.ingests) await ingest(record);
  };
  return async (line: ExportLine) => {
    if (line.type === 'article') await article(line);
    else if (line.type === 'author') await author(line.author);
    else if (line.type === 'tag') await tag(line.tag);
    else if (line.type === 'ingest') await ingest(line.ingest);
    else {
      const { article_id: id, slug, deleted_at: deletedAt, old_slugs: oldSlugs } = line.deleted;
      await run(sql.deleted, [id, slug, deletedAt]);
      for (const oldSlug of oldSlugs) await run(sql.deletedSlug, [oldSlug, id]);
    }
  };
}

/** Identities continue after the imported ids (and a deleted article's id is never given out again). */
const advanceIdentities = `SELECT
  setval(pg_get_serial_sequence('articles', 'id'),
    greatest((SELECT max(id) FROM articles), (SELECT max(article_id) FROM deleted_articles), 1)),
  setval(pg_get_serial_sequence('authors', 'id'), greatest((SELECT max(id) FROM authors), 1)),
  setval(pg_get_serial_sequence('tags', 'id'), greatest((SELECT max(id) FROM tags), 1)),
  setval(pg_get_serial_sequence('ingests', 'id'), greatest((SELECT max(id) FROM ingests), 1))`;

async function refuseUnlessEmpty(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [importLock]);
  const holding: string[] = [];
  for (const table of contentTables) {
    if ((await client.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount) holding.push(table);
  }
  if (holding.length)
    throw new Conflict(
      `the database is not empty (it has ${holding.join(', ')}); import only into a new database`,
    );
}

/** The whole import is one transaction on one connection, begun before the emptiness check. */
export async function beginPostgresImport(pool: pg.Pool): Promise<ImportTransaction> {
  const client = await pool.connect();
  const end = async (statement: string) => {
    try {
      await client.query(statement);
    } finally {
      client.release();
    }
  };
  try {
    await client.query('BEGIN');
    await refuseUnlessEmpty(client);
  } catch (error) {
    await end('ROLLBACK');
    throw error;
  }
  const duplicates: [number, number][] = [];
  const write = writer(client, duplicates);
  let open = true;
  return {
    async writeLines(lines) {
      for (const line of lines) await write(line);
    },
    async commit() {
      for (const pair of duplicates) await client.query(sql.duplicateOf, pair);
      await client.query(advanceIdentities);
      open = false;
      await end('COMMIT');
    },
    async rollback() {
      if (open) {
        open = false;
        await end('ROLLBACK');
      }
    },
  };
}
