import type { ArticleView } from '../domain/article.js';
import type { Repositories } from '../domain/ports.js';
import { missingArticle } from './missing-article.js';

/**
 * Throws when the caller's precondition (say, an `If-Match`) does not hold for the article as it
 * is now; the delete goes ahead otherwise.
 */
export type DeletePrecondition = (current: ArticleView) => void;

/** Removing articles: what was published can be taken back, leaving a tombstone that answers 410. */
export function createArticleDeletionService(repositories: Repositories) {
  const { articles } = repositories;
  return {
    /**
     * Deletes the article by id or slug: 404 when none ever had it, 410 when it is already deleted.
     * The precondition is checked on the article as read, and the delete happens only if that
     * version is still the stored one; if it changed in between, the check runs again on the new one.
     */
    async deleteArticle(idOrSlug: string, precondition?: DeletePrecondition): Promise<void> {
      for (;;) {
        const current = await articles.findArticleView(idOrSlug, false);
        if (!current) throw await missingArticle(articles, idOrSlug);
        precondition?.(current);
        if (await articles.deleteArticle(current.id, current.updated_at, new Date().toISOString())) return;
      }
    },
  };
}
