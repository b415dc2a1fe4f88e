import type { Repositories } from '../db/index.js';
import { NotFound } from '../lib/errors.js';
import type {
  Article,
  ArticleListQuery,
  ArticleSummary,
  Author,
  CollectionQuery,
  Page,
  Tag,
} from './model.js';

/** Reading articles, authors and tags: what the public read API offers. */
export function createCatalogService(repositories: Repositories) {
  const { articles, authors, tags } = repositories;
  return {
    listArticles(query: ArticleListQuery): Promise<Page<ArticleSummary>> {
      return articles.listArticles(query);
    },
    countArticles(): Promise<number> {
      return articles.countArticles();
    },
    async getArticle(idOrSlug: string): Promise<Article> {
      const article = await articles.findArticle(idOrSlug);
      if (!article) throw new NotFound(`No article has the id or slug "${idOrSlug}".`);
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
