import type { RelatedArticle } from '../domain/article.js';
import type { Repositories } from '../domain/ports.js';
import { missingArticle } from './missing-article.js';

/** Articles to read next: those sharing authors or tags with a given one. */
export function createRelatedService(repositories: Repositories) {
  const { articles, related } = repositories;
  return {
    async listRelatedArticles(idOrSlug: string, limit: number): Promise<RelatedArticle[]> {
      const article = await articles.findArticle(idOrSlug);
      if (!article) throw await missingArticle(articles, idOrSlug);
      const tagSlugs = new Set(article.tags.map((tag) => tag.slug));
      const authorSlugs = new Set(article.authors.map((author) => author.slug));
      const ranked = await related.listRelatedArticles(article.id, limit);
      // Why each matched: the links it shares with the article asked about.
      return ranked.map(({ score, ...summary }) => ({
        ...summary,
        related: {
          score,
          shared_tags: summary.tags.filter((tag) => tagSlugs.has(tag.slug)).map((tag) => tag.slug),
          shared_authors: summary.authors
            .filter((author) => authorSlugs.has(author.slug))
            .map((author) => author.slug),
        },
      }));
    },
  };
}
