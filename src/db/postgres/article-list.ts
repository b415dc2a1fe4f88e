import { count } from 'drizzle-orm';
import type { ArticleListQuery, ArticlePage } from '../../domain/article.js';
import { countFacets } from './article-facets.js';
import { allOf, articleConditions } from './article-filters.js';
import { createArticlePages } from './article-pages.js';
import { createArticleSearch, type SearchSample } from './article-search.js';
import type { PostgresDb } from './connection.js';
import { articles } from './schema.js';

/** Lists of articles, by date or (searching) by relevance, with totals, snippets and facets. */
export function createArticleList(db: PostgresDb, options: { searchSampleSize?: number | undefined }) {
  const search = createArticleSearch(db, options.searchSampleSize);
  const pages = createArticlePages(db, search);

  async function listArticles(query: ArticleListQuery): Promise<ArticlePage> {
    const conditions = articleConditions(query);
    // A search works on its sample of matches, taken once and only when something needs it.
    let taken: Promise<SearchSample> | undefined;
    const sample = () => {
      taken ??= search.sample(conditions);
      return taken;
    };
    const { rows, nextCursor } =
      query.sort === 'relevance'
        ? await pages.byRelevance(query, sample)
        : await pages.byDate(query, conditions, sample);
    const page: ArticlePage['page'] = { next_cursor: nextCursor, limit: query.limit };
    if (query.includeTotal) {
      page.total = query.match
        ? (await sample()).total
        : ((await db.select({ n: count() }).from(articles).where(allOf(conditions)))[0]?.n ?? 0);
    }
    const sampled = query.match !== undefined && (query.includeTotal || Boolean(query.facets?.length));
    if (sampled && !(await sample()).complete) page.estimated = true;
    if (query.match) {
      const snippets = await search.snippets(
        query.match,
        rows.map((row) => row.id),
      );
      for (const row of rows) {
        const snippet = snippets.get(row.id);
        if (snippet !== undefined) row.snippet = snippet;
      }
    }
    const result: ArticlePage = { data: rows, page };
    if (query.facets?.length) {
      const sampleIds = query.match ? (await sample()).ids : undefined;
      result.facets = await countFacets(db, query.facets, conditions, sampleIds);
    }
    return result;
  }

  return listArticles;
}
