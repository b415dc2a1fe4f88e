import { and, eq } from 'drizzle-orm';
import type { PostgresDb } from './connection.js';
import { createEventLog } from './events.js';
import { articleSlugs, articles, deletedArticleSlugs, deletedArticles } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/**
 * Deletes article `id` and leaves a tombstone with its slugs, only while its `updated_at` is still
 * `expectedUpdatedAt`. The links, bands and slug history cascade with the row, and ingests keep
 * their record with `article_id` set to NULL.
 */
export function deletePostgresArticle(db: PostgresDb) {
  return (id: number, expectedUpdatedAt: string, now: string): Promise<boolean> =>
    writeTransaction(db, async (tx) => {
      const [row] = await tx
        .select({ slug: articles.slug })
        .from(articles)
        .where(and(eq(articles.id, id), eq(articles.updatedAt, expectedUpdatedAt)))
        .for('update');
      if (!row) return false;
      await tx.insert(deletedArticles).values({ articleId: id, slug: row.slug, deletedAt: now });
      // The slug history goes with the row, so the tombstone keeps a copy.
      const oldSlugs = tx
        .select({ slug: articleSlugs.slug, articleId: articleSlugs.articleId })
        .from(articleSlugs)
        .where(eq(articleSlugs.articleId, id));
      await tx.insert(deletedArticleSlugs).select(oldSlugs);
      await tx.delete(articles).where(eq(articles.id, id));
      await createEventLog(tx).deleted('article.deleted', { id, slug: row.slug, deleted_at: now });
      return true;
    });
}
