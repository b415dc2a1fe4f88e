import { and, eq, ne, sql } from 'drizzle-orm';
import type { NamedVersion } from '../../domain/edits.js';
import { slugify } from '../../ingest/slug.js';
import { Conflict } from '../../lib/errors.js';
import { nameKey } from '../../lib/names.js';
import { nextVersion } from '../versions.js';
import type { PostgresDb } from './connection.js';
import { createEventLog, type EventLog } from './events.js';
import { authors, tags } from './schema.js';
import { type Tx, writeTransaction } from './write-transaction.js';

type Linked = { id: number; updated_at: string };

const kinds = {
  author: { link: 'article_authors', column: 'author_id', table: 'authors', names: 'author_names' },
  tag: { link: 'article_tags', column: 'tag_id', table: 'tags', names: 'tag_names' },
} as const;

/**
 * The articles carrying a renamed author or tag: their names column (which the search document
 * reads) is rebuilt, and each gets a new version and an `article.updated` event.
 */
export function createRenamedLinks(tx: Tx, events: EventLog) {
  async function linked(kind: 'author' | 'tag', id: number): Promise<Linked[]> {
    const { link, column } = kinds[kind];
    const rows = await tx.execute<Linked>(sql`SELECT a.id, a.updated_at FROM ${sql.raw(link)} l
      JOIN articles a ON a.id = l.article_id WHERE l.${sql.raw(column)} = ${id} ORDER BY a.id`);
    return rows.rows;
  }
  async function refreshArticle(kind: 'author' | 'tag', article: Linked, now: string) {
    const { link, column, table, names } = kinds[kind];
    const version = nextVersion(now, article.updated_at);
    await tx.execute(sql`UPDATE articles SET ${sql.raw(names)} = coalesce((SELECT string_agg(x.name, ' '
      ORDER BY l.position) FROM ${sql.raw(link)} l JOIN ${sql.raw(table)} x ON x.id = l.${sql.raw(column)}
      WHERE l.article_id = ${article.id}), ''), updated_at = ${version} WHERE id = ${article.id}`);
    await events.article('article.updated', article.id, version);
  }
  return {
    /** Refreshes every article linked to author or tag `id`. */
    async refresh(kind: 'author' | 'tag', id: number, now: string): Promise<void> {
      for (const article of await linked(kind, id)) await refreshArticle(kind, article, now);
    },
    /** The articles linked to tag `id` now, to refresh after their links change. */
    tagged: (id: number) => linked('tag', id),
    async refreshTagged(articles: Linked[], now: string): Promise<void> {
      for (const article of articles) await refreshArticle('tag', article, now);
    },
  };
}

async function editAuthor(tx: Tx, id: number, expected: NamedVersion, next: NamedVersion, now: string) {
  const key = nameKey(next.name);
  const [other] = await tx
    .select({ id: authors.id })
    .from(authors)
    .where(and(eq(authors.nameKey, key), ne(authors.id, id)));
  if (other !== undefined) {
    throw new Conflict(`Author ${other.id} already has the name "${next.name}" (ignoring case and accents).`);
  }
  const changed = await tx
    .update(authors)
    .set({ name: next.name, nameKey: key, bio: next.detail, updatedAt: now })
    .where(
      and(
        eq(authors.id, id),
        eq(authors.name, expected.name),
        sql`${authors.bio} IS NOT DISTINCT FROM ${expected.detail}`,
      ),
    )
    .returning({ id: authors.id });
  if (changed.length === 0) return false;
  const events = createEventLog(tx);
  await events.author('author.updated', id, now);
  if (next.name !== expected.name) await createRenamedLinks(tx, events).refresh('author', id, now);
  return true;
}

async function editTag(tx: Tx, id: number, expected: NamedVersion, next: NamedVersion, now: string) {
  const changed = await tx
    .update(tags)
    .set({ name: next.name, description: next.detail, updatedAt: now })
    .where(
      and(
        eq(tags.id, id),
        eq(tags.name, expected.name),
        sql`${tags.description} IS NOT DISTINCT FROM ${expected.detail}`,
      ),
    )
    .returning({ id: tags.id });
  if (changed.length === 0) return false;
  const events = createEventLog(tx);
  await events.tag('tag.updated', id, now);
  if (next.name !== expected.name) {
    // The slug of a tag's new name finds it too, so a later ingest naming it so links this tag.
    const slug = slugify(next.name, 'tag');
    await tx.execute(sql`INSERT INTO tag_slugs (slug, tag_id) SELECT ${slug}::text, ${id}::int
      WHERE NOT EXISTS (SELECT 1 FROM tags WHERE slug = ${slug}) ON CONFLICT (slug) DO NOTHING`);
    await createRenamedLinks(tx, events).refresh('tag', id, now);
  }
  return true;
}

/** Renaming authors and tags and changing their bio or description, one transaction each. */
export function createCollectionEditing(db: PostgresDb) {
  return {
    updateAuthor: (id: number, expected: NamedVersion, next: NamedVersion, now: string) =>
      writeTransaction(db, (tx) => editAuthor(tx, id, expected, next, now)),
    updateTag: (id: number, expected: NamedVersion, next: NamedVersion, now: string) =>
      writeTransaction(db, (tx) => editTag(tx, id, expected, next, now)),
  };
}
