import type { Article } from '../domain/article.js';
import type { CatalogService } from './catalog.js';

/** How many articles a feed carries: the newest ones, as feed readers poll for what is new. */
const FEED_SIZE = 50;

/** Articles for syndication feeds: the newest matching ones, with their bodies. */
export function createFeedService(catalog: CatalogService) {
  return {
    async listFeedArticles(filters: {
      tags?: string[] | undefined;
      authors?: string[] | undefined;
    }): Promise<Article[]> {
      const page = await catalog.listArticles({
        limit: FEED_SIZE,
        sort: '-published_at',
        tags: filters.tags,
        authors: filters.authors,
        withBodies: true,
        includeTotal: false,
      });
      return page.data.map((item) => ({
        ...item,
        body_text: item.body_text ?? '',
        body_html: item.body_html ?? '',
      }));
    },
  };
}
