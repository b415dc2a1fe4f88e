import type { ArticleListQuery, ArticlePage, ArticleSort, ArticleView } from '../domain/article.js';
import type { Author, CollectionQuery, Tag } from '../domain/collections.js';
import type { Page } from '../domain/page.js';
import type { Repositories } from '../domain/ports.js';
import { BadRequest, NotFound } from '../lib/errors.js';
import { toFullTextQuery } from '../search/query.js';
import { missingArticle } from './missing-article.js';

/** Reading articles, authors and tags: what the public read API offers. */
export function createCatalogService(repositories: Repositories) {
  const { articles, authors, tags } = repositories;
  return {
    /** Lists articles; with `q`, searches and (unless told otherwise) ranks by relevance. */
    async listArticles(
      query: Omit<ArticleListQuery, 'match' | 'sort'> & {
        q?: string | undefined;
        sort?: ArticleSort | undefined;
      },
    ): Promise<ArticlePage> {
      const { q, ...rest } = query;
      // A tag merged into another, or renamed, is still found by the slug a client saved.
      if (rest.tags?.length) rest.tags = await tags.currentTagSlugs(rest.tags);
      const match = q === undefined ? undefined : toFullTextQuery(q);
      const sort = query.sort ?? (match ? 'relevance' : '-published_at');
      if (sort === 'relevance' && !match) {
        throw new BadRequest('sort=relevance ranks search results; add q.', [
          { path: 'query.sort', message: 'relevance needs q' },
        ]);
      }
      return articles.listArticles({ ...rest, match, sort });
    },
    hasArticles(): Promise<boolean> {
      return articles.hasArticles();
    },
    countArticles(): Promise<number> {
      return articles.countArticles();
    },
    /** One article with its body as HTML, and as text too when `withText`; 410 once deleted. */
    async getArticle(idOrSlug: string, options: { withText: boolean }): Promise<ArticleView> {
      const article = await articles.findArticleView(idOrSlug, options.withText);
      if (!article) throw await missingArticle(articles, idOrSlug);
      return article;
    },
    listAuthors(query: CollectionQuery): Promise<Page<Author>> {
      return authors.listAuthors(query);
    },
    async getAuthor(idOrSlug: string): Promise<Author> {
      const author = await authors.findAuthor(idOrSlug);
      if (!author) throw new NotFound(`No author has the id or slug "${idOrSlug}".`);
      return author;
    },
    listTags(query: CollectionQuery): Promise<Page<Tag>> {
      return tags.listTags(query);
    },
    async getTag(idOrSlug: string): Promise<Tag> {
      const tag = await tags.findTag(idOrSlug);
      if (!tag) throw new NotFound(`No tag has the id or slug "${idOrSlug}".`);
      return tag;
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
