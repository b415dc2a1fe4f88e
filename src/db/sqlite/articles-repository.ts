import type { Article, ArticleListQuery, ArticlePage, ArticleView } from '../../domain/article.js';
import type { ArticlesRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { createArticleDeletion } from './article-deletion.js';
import { countFacets } from './article-facets.js';
import { articleFilter, filteredArticles } from './article-filters.js';
import { createArticlePages } from './article-pages.js';
import { createArticleSearch, type SearchSample } from './article-search.js';
import {
  type ArticleBodiesRow,
  type ArticleSummaryRow,
  articleSummaryColumns,
  toArticleSummary,
} from './article-summary.js';
import type { Db } from './connection.js';
import { createPrefixExpansion } from './prefix-terms.js';
import type { StoredRow } from './rows.js';
import { createSampleFacets } from './sample-facets.js';
import { type articleSlugs, articles } from './schema.js';
import { type PrepareCached, statementCache } from './statements.js';

/** `searchSampleSize`: how many of its newest matches a search ranks and counts (article-search.ts). */
export function createArticlesRepository(
  db: Db,
  options: { searchSampleSize?: number | undefined } = {},
): ArticlesRepository {
  const sqlite = db.$client;
  const prepare: PrepareCached = statementCache(sqlite);
  const search = createArticleSearch(sqlite, prepare, options.searchSampleSize);
  const pages = createArticlePages(prepare, search);
  const sampleFacets = createSampleFacets(sqlite);

  const { withBothBodies, withHtmlBody } = createArticleFinders(sqlite);
  const expandPrefixes = createPrefixExpansion(sqlite);

  return {
    ...createArticleDeletion(sqlite),
    async listArticles(asked: ArticleListQuery): Promise<ArticlePage> {
      const query = asked.match ? { ...asked, match: expandPrefixes(asked.match) } : asked;
      const filter = articleFilter(query);
      // A search works on its sample of matches, taken once and only when something needs it.
      let taken: SearchSample | undefined;
      const sample = () => {
        taken ??= search.sample(filter);
        return taken;
      };
      const { rows, nextCursor } =
        query.sort === 'relevance'
          ? pages.byRelevance(query, sample)
          : pages.byDate(query, filter, query.match ? sample() : undefined);
      const page: ArticlePage['page'] = { next_cursor: nextCursor, limit: query.limit };
      if (query.includeTotal) {
        page.total = query.match
          ? sample().total
          : (prepare<number>(
              `total:${filter.shape}`,
              () => `SELECT count(*) FROM ${filteredArticles(query, filter)}`,
            )
              .pluck()
              .get(filter.params) ?? 0);
      }
      const sampled = query.match !== undefined && (query.includeTotal || Boolean(query.facets?.length));
      if (sampled && !sample().complete) page.estimated = true;
      if (query.match) pages.addSnippets(rows, query.match);
      const result: ArticlePage = { data: rows.map((row) => toArticleSummary(row)), page };
      if (query.facets?.length) {
        result.facets = query.match
          ? sampleFacets.count(sample().ids, query.facets)
          : countFacets(prepare, query.facets, query, filter);
      }
      return result;
    },

    async findArticle(idOrSlug: string): Promise<Article | undefined> {
      const row = withBothBodies(idOrSlug);
      return row && toArticleSummary(row);
    },

    /** The article as served: `body_html` always, `body_text` only when asked for. */
    async findArticleView(idOrSlug: string, withText: boolean): Promise<ArticleView | undefined> {
      const row = withText ? withBothBodies(idOrSlug) : withHtmlBody(idOrSlug);
      return row && toArticleSummary(row);
    },

    /** Whether any article exists: an index probe, where counting 100,000 articles takes ~70 ms. */
    async hasArticles(): Promise<boolean> {
      return sqlite.prepare('SELECT EXISTS (SELECT 1 FROM articles)').pluck().get() === 1;
    },

    async countArticles(): Promise<number> {
      return db.$count(articles);
    },
  };
}

/**
 * One article by id or by slug, with both bodies or (as served by default) the HTML alone. Raw SQL
 * on this hot path: the summary's authors and tags are JSON subqueries the builder cannot write.
 */
function createArticleFinders(sqlite: Db['$client']) {
  // A slug the article had before a title edit still finds it, unless an article has it now.
  const byOldSlug = sqlite
    .prepare<[string], StoredRow<typeof articleSlugs>['article_id']>(
      'SELECT article_id FROM article_slugs WHERE slug = ?',
    )
    .pluck();
  const finder = <Row extends ArticleSummaryRow>(bodies: string) => {
    const byId = sqlite.prepare<[number], Row>(
      `SELECT ${articleSummaryColumns}, ${bodies} FROM articles a WHERE a.id = ?`,
    );
    const bySlug = sqlite.prepare<[string], Row>(
      `SELECT ${articleSummaryColumns}, ${bodies} FROM articles a WHERE a.slug = ?`,
    );
    return (idOrSlug: string): Row | undefined => {
      if (isNumericId(idOrSlug)) return byId.get(Number(idOrSlug));
      const row = bySlug.get(idOrSlug);
      if (row !== undefined) return row;
      const id = byOldSlug.get(idOrSlug);
      return id === undefined ? undefined : byId.get(id);
    };
  };
  return {
    withBothBodies: finder<ArticleBodiesRow>('a.body_text, a.body_html'),
    withHtmlBody: finder<Omit<ArticleBodiesRow, 'body_text'>>('a.body_html'),
  };
}
