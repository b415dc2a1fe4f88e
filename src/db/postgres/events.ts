import { type SQL, sql } from 'drizzle-orm';
import type { ChangeType, DeletionSnapshot } from '../../domain/changes.js';
import type { Tx } from './write-transaction.js';

/**
 * JSON text built by PostgreSQL in the bytes SQLite's json_object writes (../events.ts): keys in the
 * same order, no spaces, strings escaped alike, so each engine's feed serves the same `data`.
 * jsonb and json_build_object cannot do this (one sorts keys, the other adds spaces).
 */
const value = (expression: string) => `coalesce(to_json(${expression})::text, 'null')`;

/** `{"key":value,…}` from [key, JSON text expression] pairs; keys are fixed identifiers. */
function jsonObject(fields: [string, string][]): string {
  const members = fields.map(([key, json], index) => `'${index === 0 ? '{' : ','}"${key}":' || ${json}`);
  return `(${members.join(' || ')} || '}')`;
}

/** A JSON array of `element` over `from` in `order`; `[]` when there are no rows. */
const jsonArray = (element: string, from: string, order: string) =>
  `coalesce((SELECT '[' || string_agg(${element}, ',' ORDER BY ${order}) || ']' ${from}), '[]')`;

const columns = (alias: string, names: string[]): [string, string][] =>
  names.map((name) => [name, value(`${alias}.${name}`)]);

// Image keys in the order of the Image schema, which is the order drafts write them in.
const images = jsonArray(
  jsonObject([
    ['caption', value("i->>'caption'")],
    ['credit', value("i->>'credit'")],
    ['date', value("i->>'date'")],
  ]),
  'FROM jsonb_array_elements(a.images) WITH ORDINALITY AS e(i, n)',
  'n',
);
const authors = jsonArray(
  jsonObject(columns('au', ['id', 'slug', 'name'])),
  'FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id',
  'aa.position',
);
const tags = jsonArray(
  jsonObject([...columns('t', ['id', 'slug', 'name']), ['derived', value('at.derived')]]),
  'FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id',
  'at.position',
);

/** An article as the API serves it (article-summary.ts), with both bodies. */
export const articleJson = jsonObject([
  ...columns('a', ['id', 'slug', 'title', 'subtitle', 'excerpt']),
  ['images', images],
  ['authors', authors],
  ['tags', tags],
  ...columns('a', ['language', 'word_count', 'reading_time_minutes', 'published_at', 'source_url']),
  ...columns('a', ['content_hash', 'created_at', 'updated_at', 'body_text', 'body_html']),
]);
const authorJson = jsonObject(columns('x', ['id', 'slug', 'name', 'bio']));
const tagJson = jsonObject(columns('x', ['id', 'slug', 'name', 'description']));

/**
 * Appends change-feed events inside the caller's write transaction, after the change itself,
 * reading the resource back so the event carries exactly what is committed.
 */
export function createEventLog(tx: Tx) {
  /** `source` is a subquery with one `data` column: no row when the resource is missing. */
  async function append(type: ChangeType, resourceId: number, source: SQL, now: string): Promise<void> {
    const inserted = await tx.execute(sql`INSERT INTO events (type, resource_id, data, occurred_at)
      SELECT ${type}::text, ${resourceId}::int, s.data, ${now}::text FROM ${source} s`);
    if (inserted.rowCount !== 1)
      throw new Error(`No ${type.split('.')[0]} ${resourceId} to record ${type} for`);
  }
  const snapshot = (json: string, table: string, id: number) =>
    sql`(SELECT ${sql.raw(json)} AS data FROM ${sql.raw(table)} WHERE id = ${id})`;

  return {
    article: (type: 'article.created' | 'article.updated', id: number, now: string) =>
      append(type, id, snapshot(articleJson, 'articles a', id), now),
    author: (type: 'author.created' | 'author.updated', id: number, now: string) =>
      append(type, id, snapshot(authorJson, 'authors x', id), now),
    tag: (type: 'tag.created' | 'tag.updated', id: number, now: string) =>
      append(type, id, snapshot(tagJson, 'tags x', id), now),
    /** A deletion: the id and slug the resource had, and when it went. */
    deleted: (type: 'article.deleted' | 'author.deleted' | 'tag.deleted', gone: DeletionSnapshot) =>
      append(type, gone.id, sql`(SELECT ${JSON.stringify(gone)}::text AS data)`, gone.deleted_at),
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
