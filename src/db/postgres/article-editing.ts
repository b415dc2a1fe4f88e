import { and, eq, ne, sql } from 'drizzle-orm';
import type { ArticleDraft } from '../../domain/article.js';
import { Conflict } from '../../lib/errors.js';
import { nextVersion } from '../versions.js';
import { createArticleLinks, createArticleRows, createSimhashBands, freeSlug } from './article-writes.js';
import type { PostgresDb } from './connection.js';
import { createEventLog } from './events.js';
import { articleSlugs, articles } from './schema.js';
import { type Tx, writeTransaction } from './write-transaction.js';

/** Gives the article the slug of its new title; the old one is remembered and keeps resolving. */
async function reslug(tx: Tx, id: number, oldSlug: string, base: string): Promise<void> {
  const slug = await freeSlug(base, async (candidate) => {
    const taken = await tx.execute<{ taken: boolean }>(sql`SELECT
      EXISTS (SELECT 1 FROM articles WHERE slug = ${candidate} AND id <> ${id})
      OR EXISTS (SELECT 1 FROM article_slugs WHERE slug = ${candidate} AND article_id <> ${id}) AS taken`);
    return taken.rows[0]?.taken === true;
  });
  if (slug === oldSlug) return;
  await tx.delete(articleSlugs).where(eq(articleSlugs.slug, slug));
  await tx.update(articles).set({ slug }).where(eq(articles.id, id));
  await tx
    .insert(articleSlugs)
    .values({ slug: oldSlug, articleId: id })
    .onConflictDoUpdate({ target: articleSlugs.slug, set: { articleId: id } });
}

async function update(tx: Tx, id: number, expectedUpdatedAt: string, draft: ArticleDraft, now: string) {
  const [row] = await tx
    .select({ slug: articles.slug, updatedAt: articles.updatedAt })
    .from(articles)
    .where(eq(articles.id, id))
    .for('update');
  if (row?.updatedAt !== expectedUpdatedAt) return false;
  const [copy] = await tx
    .select({ id: articles.id })
    .from(articles)
    .where(and(eq(articles.contentHash, draft.contentHash), ne(articles.id, id)));
  if (copy !== undefined) {
    throw new Conflict(
      `Article ${copy.id} already has this title and body; an edit cannot make a copy of it.`,
    );
  }
  const version = nextVersion(now, expectedUpdatedAt);
  const events = createEventLog(tx);
  const links = createArticleLinks(tx, events);
  const bands = createSimhashBands(tx);
  if (draft.slug !== row.slug) await reslug(tx, id, row.slug, draft.slug);
  await createArticleRows(tx).update(id, draft, version);
  await tx.update(articles).set({ editedAt: version }).where(eq(articles.id, id));
  await links.unlink(id);
  await links.link(id, draft, version);
  await bands.remove(id);
  await bands.add(id, draft.simhash);
  await events.article('article.updated', id, version);
  return true;
}

/**
 * Rewriting an article from an edit (../article-editing.ts): row, links, bands, slug and event in
 * one transaction, only while the article is still the version the edit was made on.
 */
export function createArticleEditing(db: PostgresDb) {
  return {
    updateArticle: (id: number, expectedUpdatedAt: string, draft: ArticleDraft, now: string) =>
      writeTransaction(db, (tx) => update(tx, id, expectedUpdatedAt, draft, now)),
  };
}
