import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import { fullTextSearch, snippetHtml, snippetsOf } from '../search/sqlite.js';
import type {
  Article,
  ArticleListQuery,
  ArticlePage,
  ArticleView,
  FacetCount,
  FacetName,
} from '../services/model.js';
import { createArticleSearch, type SearchSample } from './article-search.js';
import { type ArticleSummaryRow, articleSummaryColumns, toArticleSummary } from './article-summary.js';
import type { Db } from './connection.js';
import { isNumericId, type PrepareCached, statementCache } from './statements.js';

type DateCursor = [string, number];
const isDateCursor = (values: unknown[]): values is DateCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

/** How many results a relevance-sorted walk covers, as search engines cap deep relevance paging. */
const relevanceWalkLimit = 200;

/**
 * A relevance walk is the ranking as it stood at the first page: the cursor carries the ids still to
 * come, so articles that arrive, and ranks that shift with them, cannot reorder it mid-walk.
 */
type RelevanceCursor = ['relevance', ...number[]];
const isRelevanceCursor = (values: unknown[]): values is RelevanceCursor =>
  values[0] === 'relevance' &&
  values.length <= relevanceWalkLimit + 1 &&
  values.slice(1).every((id) => Number.isInteger(id) && (id as number) > 0);

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
function filterClauses(query: ArticleListQuery): {
  clauses: string[];
  params: Record<string, unknown>;
  /** Which filters are present: with the sort, it names the statement's shape for the cache. */
  shape: string;
} {
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

/**
 * A filter on exactly one tag or one author and nothing else: such a page is read from the links,
 * which carry each article's sort key (kept by triggers), instead of from every article.
 */
function singleLinkFilter(
  query: ArticleListQuery,
): { table: string; column: string; lookup: string; slug: string } | undefined {
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

/** `searchSampleSize`: how many of its newest matches a search ranks and counts (article-search.ts). */
export function createArticlesRepository(db: Db, options: { searchSampleSize?: number | undefined } = {}) {
  const sqlite = db.$client;
  const prepare: PrepareCached = statementCache(sqlite);
  const search = createArticleSearch(sqlite, prepare, options.searchSampleSize);

  /** One article by id or by slug, with both bodies or (as served by default) the HTML alone. */
  const findStatements = (bodies: string) => ({
    byId: sqlite.prepare(`SELECT ${articleSummaryColumns}, ${bodies} FROM articles a WHERE a.id = ?`),
    bySlug: sqlite.prepare(`SELECT ${articleSummaryColumns}, ${bodies} FROM articles a WHERE a.slug = ?`),
  });
  const withBothBodies = findStatements('a.body_text, a.body_html');
  const withHtmlBody = findStatements('a.body_html');
  const findRow = (statements: typeof withBothBodies, idOrSlug: string) =>
    isNumericId(idOrSlug) ? statements.byId.get(Number(idOrSlug)) : statements.bySlug.get(idOrSlug);

  type PageRow = ArticleSummaryRow & { snippet?: string };
  type Filter = ReturnType<typeof filterClauses>;

  /** The columns a list page returns: the summary, and bodies when asked for. */
  function pageColumns(query: ArticleListQuery): string {
    return query.withBodies ? `${articleSummaryColumns}, a.body_text, a.body_html` : articleSummaryColumns;
  }

  /**
   * Snippets of a search page in one pass over the index between the page's lowest and highest id.
   * Joining the index once per row would restart the query for each: cheap for a word, but a prefix
   * or a phrase is set up again twenty times.
   */
  function addSnippets(rows: PageRow[], match: string): void {
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    const snippets = new Map(
      (
        prepare('snippets', () => snippetsOf).all({
          match,
          ids: JSON.stringify(ids),
          low: Math.min(...ids),
          high: Math.max(...ids),
        }) as { id: number; snippet: string }[]
      ).map((row) => [row.id, row.snippet]),
    );
    for (const row of rows) {
      const snippet = snippets.get(row.id);
      if (snippet !== undefined) row.snippet = snippetHtml(snippet);
    }
  }

  /**
   * Newest (or oldest) first, by keyset on (published_sort, id). The page's ids are chosen first
   * (MATERIALIZED keeps SQLite from merging the two steps), so authors, tags and snippets are built
   * for the rows returned, not for every match the sort had to consider.
   */
  function pageByDate(
    query: ArticleListQuery,
    filter: Filter,
    sample: SearchSample | undefined,
  ): { rows: PageRow[]; nextCursor: string | null } {
    // Sorting every match by date costs what the matches do. When most articles match a query of
    // plain words, walking the date index and probing each article finds a page in a few dozen
    // cheap lookups instead (a prefix or a phrase would be set up again on every probe).
    const probe =
      sample !== undefined &&
      !sample.complete &&
      sample.total >= search.articleCount() / 2 &&
      !/\*|"[^"]* [^"]*"/.test(query.match ?? '');
    const descending = query.sort === '-published_at';
    const direction = descending ? 'DESC' : 'ASC';
    const link = singleLinkFilter(query);
    const params: Record<string, unknown> = {
      ...(link ? { slug: link.slug } : filter.params),
      take: query.limit + 1,
    };
    if (query.cursor) {
      const [sortKey, afterId] = decodeCursor<DateCursor>(query.cursor, isDateCursor);
      Object.assign(params, { sortKey, afterId });
    }
    const key = `date:${direction}:${link ? link.table : filter.shape}:${Boolean(query.cursor)}:${query.withBodies}:${probe}`;
    const rows = prepare(key, () => {
      const clauses = filter.clauses.map((clause) =>
        probe && clause === fullTextSearch.where ? fullTextSearch.probe : clause,
      );
      // One tag or one author alone: its links carry the article's sort key, so the page is one
      // range of their (id, published_sort, article_id) index, however many articles it has.
      const source = link
        ? `SELECT l.article_id AS id, l.published_sort AS sortKey FROM ${link.table} l
            WHERE l.${link.column} = (${link.lookup})`
        : `SELECT a.id AS id, a.published_sort AS sortKey FROM articles a
            ${query.match && !probe ? fullTextSearch.join : ''} ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}`;
      const [sort, id] = link ? ['l.published_sort', 'l.article_id'] : ['a.published_sort', 'a.id'];
      // A bound plus a tie-break lets SQLite scan the index from the cursor on, instead of
      // filtering from the first row: deep pages cost what the first does.
      const keyset = !query.cursor
        ? ''
        : `${link || clauses.length ? 'AND' : 'WHERE'} ${
            descending
              ? `${sort} <= @sortKey AND (${sort} < @sortKey OR ${id} < @afterId)`
              : `${sort} >= @sortKey AND (${sort} > @sortKey OR ${id} > @afterId)`
          }`;
      return `WITH page AS MATERIALIZED (${source} ${keyset}
          ORDER BY sortKey ${direction}, id ${direction} LIMIT @take)
        SELECT ${pageColumns(query)} FROM page CROSS JOIN articles a ON a.id = page.id
        ORDER BY page.sortKey ${direction}, page.id ${direction}`;
    }).all(params) as PageRow[];
    const hasMore = rows.length > query.limit;
    const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
    const last = pageRows.at(-1);
    return {
      rows: pageRows,
      // The sort key is published_sort, which is published_at with unknown dates as ''.
      nextCursor: hasMore && last ? encodeCursor([last.published_at ?? '', last.id]) : null,
    };
  }

  /**
   * Best match first. The first page ranks the search's sample and keeps the top ids; later pages
   * read theirs from the cursor, so a walk is exact whatever arrives meanwhile, and costs no ranking.
   */
  function pageByRelevance(
    query: ArticleListQuery,
    sample: () => SearchSample,
  ): { rows: PageRow[]; nextCursor: string | null } {
    const ranked = query.cursor
      ? (decodeCursor<RelevanceCursor>(query.cursor, isRelevanceCursor).slice(1) as number[])
      : search.rank(query.match!, sample(), relevanceWalkLimit);
    const pageIds = ranked.slice(0, query.limit);
    const rest = ranked.slice(query.limit);
    const rows = prepare(
      `ids:${query.withBodies}`,
      // CROSS JOIN keeps the page's ids as the outer loop: twenty lookups, not a scan of every match.
      () => `SELECT ${pageColumns(query)} FROM json_each(@ids) page CROSS JOIN articles a ON a.id = page.value
        ORDER BY page.key`,
    ).all({ ids: JSON.stringify(pageIds) }) as PageRow[];
    return { rows, nextCursor: rest.length ? encodeCursor(['relevance', ...rest]) : null };
  }

  return {
    async listArticles(query: ArticleListQuery): Promise<ArticlePage> {
      const filter = filterClauses(query);
      // A search works on its sample of matches, taken once and only when something needs it.
      let taken: SearchSample | undefined;
      const sample = () => {
        taken ??= search.sample(filter);
        return taken;
      };
      const { rows, nextCursor } =
        query.sort === 'relevance'
          ? pageByRelevance(query, sample)
          : pageByDate(query, filter, query.match ? sample() : undefined);
      const page: ArticlePage['page'] = { next_cursor: nextCursor, limit: query.limit };
      const from = `articles a ${query.match ? fullTextSearch.join : ''}`;
      const where = filter.clauses.length ? `WHERE ${filter.clauses.join(' AND ')}` : '';
      if (query.includeTotal) {
        page.total = query.match
          ? sample().total
          : (prepare(`total:${filter.shape}`, () => `SELECT count(*) FROM ${from} ${where}`)
              .pluck()
              .get(filter.params) as number);
      }
      const sampled = query.match !== undefined && (query.includeTotal || Boolean(query.facets?.length));
      if (sampled && !sample().complete) page.estimated = true;
      if (query.match) addSnippets(rows, query.match);
      const data = rows.map((row) => toArticleSummary(row));
      const result: ArticlePage = { data, page };
      if (query.facets?.length) {
        // A search counts over its sample; a plain list over every article its filters select.
        const matched = query.match
          ? 'SELECT a.id, a.published_at FROM json_each(@ids) sample CROSS JOIN articles a ON a.id = sample.value'
          : `SELECT a.id, a.published_at FROM ${from} ${where}`;
        const params = query.match ? { ids: JSON.stringify(sample().ids) } : filter.params;
        const shape = query.match ? 'sample' : filter.shape;
        result.facets = Object.fromEntries(
          query.facets.map((facet) => [
            facet,
            prepare(
              `facet:${facet}:${shape}`,
              () => `WITH matched AS (${matched}) ${facetQueries[facet]}`,
            ).all(params) as FacetCount[],
          ]),
        );
      }
      return result;
    },

    async findArticle(idOrSlug: string): Promise<Article | undefined> {
      const row = findRow(withBothBodies, idOrSlug) as
        | (ArticleSummaryRow & { body_text: string; body_html: string })
        | undefined;
      return row && toArticleSummary(row);
    },

    /** The article as served: `body_html` always, `body_text` only when asked for. */
    async findArticleView(idOrSlug: string, withText: boolean): Promise<ArticleView | undefined> {
      const row = findRow(withText ? withBothBodies : withHtmlBody, idOrSlug) as
        | (ArticleSummaryRow & { body_text?: string; body_html: string })
        | undefined;
      return row && toArticleSummary(row);
    },

    /** Whether any article exists: an index probe, where counting 100,000 articles takes ~70 ms. */
    async hasArticles(): Promise<boolean> {
      return sqlite.prepare('SELECT EXISTS (SELECT 1 FROM articles)').pluck().get() === 1;
    },

    async countArticles(): Promise<number> {
      return (sqlite.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
    },
  };
}
