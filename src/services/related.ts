import type { Repositories } from '../db/index.js';
import { NotFound } from '../lib/errors.js';
import type { RelatedArticle } from './model.js';

/** Articles to read next: those sharing authors or tags with a given one. */
export function createRelatedService(repositories: Repositories) {
  const { articles, related } = repositories;
  return {
    async listRelatedArticles(idOrSlug: string, limit: number): Promise<RelatedArticle[]> {
      const article = await articles.findArticle(idOrSlug);
      if (!article) throw new NotFound(`No article has the id or slug "${idOrSlug}".`);
      return related.listRelatedArticles(article.id, limit);
    },
  };
}

export type RelatedService = ReturnType<typeof createRelatedService>;
