import type { ArticleListQuery } from '../../domain/article.js';
import { fullTextSearch } from '../../search/sqlite.js';

/** The WHERE clauses over `articles a` that a list query's filters make, shared by pages and counts. */
export interface ArticleFilter {
  clauses: string[];
  params: Record<string, unknown>;
  /** Which filters are present: with the sort, it names the statement's shape for the cache. */
  shape: string;
}

/** The filters of a list query as clauses over `articles a`; a search adds its match. */
export function articleFilter(query: ArticleListQuery): ArticleFilter {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.tags?.length) {
    clauses.push(`a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
      WHERE t.slug IN (SELECT value FROM json_each(@tags)))`);
    params.tags = JSON.stringify(query.tags);
  }
  if (query.authors?.length) {
    clauses.push(`a.id IN (SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id
      WHERE au.slug IN (SELECT value FROM json_each(@authors)))`);
    params.authors = JSON.stringify(query.authors);
  }
  if (query.language) {
    clauses.push('a.language = @language');
    params.language = query.language;
  }
  if (query.publishedAfter) {
    clauses.push('a.published_at >= @publishedAfter');
    params.publishedAfter = query.publishedAfter;
  }
  if (query.publishedBefore) {
    clauses.push('a.published_at < @publishedBefore');
    params.publishedBefore = query.publishedBefore;
  }
  if (query.match) {
    clauses.push(fullTextSearch.where);
    params.match = query.match;
  }
  return { clauses, params, shape: Object.keys(params).join(',') };
}

/** `FROM articles a` with the index joined when searching, and the filter's WHERE. */
export function filteredArticles(query: ArticleListQuery, filter: ArticleFilter): string {
  const from = `articles a ${query.match ? fullTextSearch.join('a') : ''}`;
  return filter.clauses.length ? `${from} WHERE ${filter.clauses.join(' AND ')}` : from;
}

/** A page read from one link table: the links carry each article's sort key (kept by triggers). */
export interface LinkFilter {
  table: string;
  column: string;
  lookup: string;
  slug: string;
}

/**
 * A filter on exactly one tag or one author and nothing else: such a page is read from the links
 * instead of from every article.
 */
export function singleLinkFilter(query: ArticleListQuery): LinkFilter | undefined {
  const { tags, authors } = query;
  if (query.match || query.language || query.publishedAfter || query.publishedBefore) return undefined;
  if (tags?.length === 1 && !authors?.length)
    return {
      table: 'article_tags',
      column: 'tag_id',
      lookup: 'SELECT id FROM tags WHERE slug = @slug',
      slug: tags[0]!,
    };
  if (authors?.length === 1 && !tags?.length)
    return {
      table: 'article_authors',
      column: 'author_id',
      lookup: 'SELECT id FROM authors WHERE slug = @slug',
      slug: authors[0]!,
    };
  return undefined;
}
