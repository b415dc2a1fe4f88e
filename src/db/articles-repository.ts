import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import { fullTextSearch, snippetHtml } from '../search/sqlite.js';
import type { Article, ArticleListQuery, ArticlePage, FacetCount, FacetName } from '../services/model.js';
import { type ArticleSummaryRow, articleSummaryColumns, toArticleSummary } from './article-summary.js';
import type { Db } from './connection.js';
import { isNumericId, type PrepareCached, statementCache } from './statements.js';

type DateCursor = [string, number];
const isDateCursor = (values: unknown[]): values is DateCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

/** Relevance cursors also pin the newest id at the first page, so later arrivals stay out of the walk. */
type RelevanceCursor = [number, number, number];
const isRelevanceCursor = (values: unknown[]): values is RelevanceCursor =>
  values.length === 3 &&
  typeof values[0] === 'number' &&
  Number.isInteger(values[1]) &&
  Number.isInteger(values[2]);

const facetQueries: Record<FacetName, string> = {
  tag: `SELECT t.slug AS value, t.name AS name, count(*) AS count FROM matched m
    JOIN article_tags at ON at.article_id = m.id JOIN tags t ON t.id = at.tag_id
    GROUP BY t.id ORDER BY count DESC, t.slug LIMIT 50`,
  author: `SELECT au.slug AS value, au.name AS name, count(*) AS count FROM matched m
    JOIN article_authors aa ON aa.article_id = m.id JOIN authors au ON au.id = aa.author_id
    GROUP BY au.id ORDER BY count DESC, au.slug LIMIT 50`,
  month: `SELECT substr(m.published_at, 1, 7) AS value, substr(m.published_at, 1, 7) AS name, count(*) AS count
    FROM matched m WHERE m.published_at IS NOT NULL GROUP BY value ORDER BY value DESC`,
};

/** Filters shared by the page query and the total count. */
function filterClauses(query: ArticleListQuery): { clauses: string[]; params: Record<string, unknown> } {
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
  return { clauses, params };
}

export function createArticlesRepository(db: Db) {
  const sqlite = db.$client;
  const prepare: PrepareCached = statementCache(sqlite);

  const byId = sqlite.prepare(
    `SELECT ${articleSummaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.id = ?`,
  );
  const bySlug = sqlite.prepare(
    `SELECT ${articleSummaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.slug = ?`,
  );
  const newestArticleId = sqlite.prepare('SELECT max(id) FROM articles').pluck();

  return {
    async listArticles(query: ArticleListQuery): Promise<ArticlePage> {
      const { clauses, params } = filterClauses(query);
      const from = `articles a ${query.match ? fullTextSearch.join : ''}`;
      // A relevance page with no filter but the query reads the index alone, which lets FTS5 rank and
      // sort internally; any other filter needs the articles joined in.
      const indexAlone = query.sort === 'relevance' && clauses.length === 1;
      const pageFrom = indexAlone ? fullTextSearch.alone : from;
      const idColumn = indexAlone ? fullTextSearch.id : 'a.id';
      const pageClauses = [...clauses];
      const pageParams: Record<string, unknown> = { ...params, take: query.limit + 1 };
      /** The ORDER BY, for the page query (`prefix` '') and the enrichment around it (`prefix` 'page.'). */
      let order: (prefix: string) => string;
      let sortColumn: string;
      let snapshot = 0;
      if (query.sort === 'relevance') {
        sortColumn = fullTextSearch.rank;
        order = (prefix) => `${prefix}sortKey ASC, ${prefix}id ASC`;
        if (query.cursor) {
          const [rank, id, newestId] = decodeCursor<RelevanceCursor>(query.cursor, isRelevanceCursor);
          pageClauses.push(
            `(${sortColumn} > @rank OR (${sortColumn} = @rank AND ${idColumn} > @afterId))`,
            `${idColumn} <= @snapshot`,
          );
          Object.assign(pageParams, { rank, afterId: id, snapshot: newestId });
          snapshot = newestId;
        } else {
          snapshot = (newestArticleId.get() as number | null) ?? 0;
        }
      } else {
        const descending = query.sort === '-published_at';
        const direction = descending ? 'DESC' : 'ASC';
        sortColumn = 'a.published_sort';
        order = (prefix) => `${prefix}sortKey ${direction}, ${prefix}id ${direction}`;
        if (query.cursor) {
          const [sortKey, id] = decodeCursor<DateCursor>(query.cursor, isDateCursor);
          // A bound plus a tie-break lets SQLite scan the (published_sort, id) index from the cursor
          // on, instead of filtering from the first row: deep pages cost what the first does.
          pageClauses.push(
            descending
              ? 'a.published_sort <= @sortKey AND (a.published_sort < @sortKey OR a.id < @afterId)'
              : 'a.published_sort >= @sortKey AND (a.published_sort > @sortKey OR a.id > @afterId)',
          );
          Object.assign(pageParams, { sortKey, afterId: id });
        }
      }
      const where = pageClauses.length ? `WHERE ${pageClauses.join(' AND ')}` : '';
      const extraColumns = [
        query.withBodies ? ', a.body_text, a.body_html' : '',
        query.match ? `, ${fullTextSearch.snippet} AS snippet` : '',
      ].join('');
      // The page is chosen first (MATERIALIZED keeps SQLite from merging the two), so authors, tags
      // and snippets are built for the rows returned, not for every match the sort had to rank.
      const rows = prepare(
        `WITH page AS MATERIALIZED (SELECT ${idColumn} AS id, ${sortColumn} AS sortKey FROM ${pageFrom} ${where}
           ORDER BY ${order('')} LIMIT @take)
         SELECT ${articleSummaryColumns}${extraColumns}, page.sortKey AS sortKey
         FROM page JOIN articles a ON a.id = page.id
         ${query.match ? `${fullTextSearch.join} WHERE ${fullTextSearch.where}` : ''}
         ORDER BY ${order('page.')}`,
      ).all(pageParams) as (ArticleSummaryRow & { sortKey: string | number; snippet?: string })[];

      const hasMore = rows.length > query.limit;
      const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
      const last = pageRows.at(-1);
      let nextCursor: string | null = null;
      if (hasMore && last) {
        nextCursor = encodeCursor(
          query.sort === 'relevance' ? [last.sortKey, last.id, snapshot] : [last.sortKey, last.id],
        );
      }
      const page: ArticlePage['page'] = { next_cursor: nextCursor, limit: query.limit };
      const countWhere = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      if (query.includeTotal) {
        page.total = (
          prepare(`SELECT count(*) AS total FROM ${from} ${countWhere}`).get(params) as { total: number }
        ).total;
      }
      const data = pageRows.map(({ sortKey: _sortKey, snippet, ...row }) =>
        toArticleSummary(snippet === undefined ? row : { ...row, snippet: snippetHtml(snippet) }),
      );
      const result: ArticlePage = { data, page };
      if (query.facets?.length) {
        const matched = `WITH matched AS (SELECT a.id, a.published_at FROM ${from} ${countWhere}) `;
        result.facets = Object.fromEntries(
          query.facets.map((facet) => [
            facet,
            prepare(matched + facetQueries[facet]).all(params) as FacetCount[],
          ]),
        );
      }
      return result;
    },

    async findArticle(idOrSlug: string): Promise<Article | undefined> {
      const row = (isNumericId(idOrSlug) ? byId.get(Number(idOrSlug)) : bySlug.get(idOrSlug)) as
        | (ArticleSummaryRow & { body_text: string; body_html: string })
        | undefined;
      return row && toArticleSummary(row);
    },

    async countArticles(): Promise<number> {
      return (sqlite.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
