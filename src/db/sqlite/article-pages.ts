import type { ArticleListQuery } from '../../domain/article.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { fullTextSearch, snippetHtml, snippetsOf } from '../../search/sqlite.js';
import {
  type DateCursor,
  isDateCursor,
  isRelevanceCursor,
  pageOf,
  type RelevanceCursor,
  relevanceWalkLimit,
} from '../cursors.js';
import type { ArticleFilter, LinkFilter } from './article-filters.js';
import { singleLinkFilter } from './article-filters.js';
import type { ArticleSearch, SearchSample } from './article-search.js';
import { type ArticleSummaryRow, articleSummaryColumns } from './article-summary.js';
import type { PrepareCached } from './statements.js';

export type PageRow = ArticleSummaryRow & { snippet?: string };
export interface RowPage {
  rows: PageRow[];
  nextCursor: string | null;
}

/** The columns a list page returns: the summary, and bodies when asked for. */
function pageColumns(query: ArticleListQuery): string {
  return query.withBodies ? `${articleSummaryColumns}, a.body_text, a.body_html` : articleSummaryColumns;
}

/**
 * The SQL of a page by date. The page's ids are chosen first (MATERIALIZED keeps SQLite from merging
 * the two steps), so authors, tags and snippets are built for the rows returned, not for every match
 * the sort had to consider.
 */
function datePageSql(
  query: ArticleListQuery,
  filter: ArticleFilter,
  link: LinkFilter | undefined,
  probe: boolean,
): string {
  const descending = query.sort === '-published_at';
  const direction = descending ? 'DESC' : 'ASC';
  const clauses = filter.clauses.map((clause) =>
    probe && clause === fullTextSearch.where ? fullTextSearch.probe('a') : clause,
  );
  // One tag or one author alone: its links carry the article's sort key, so the page is one
  // range of their (id, published_sort, article_id) index, however many articles it has.
  const source = link
    ? `SELECT l.article_id AS id, l.published_sort AS sortKey FROM ${link.table} l
        WHERE l.${link.column} = (${link.lookup})`
    : `SELECT a.id AS id, a.published_sort AS sortKey FROM articles a
        ${query.match && !probe ? fullTextSearch.join('a') : ''} ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}`;
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
}

/**
 * Sorting every match by date costs what the matches do. When most articles match a query of plain
 * words, walking the date index and probing each article finds a page in a few dozen cheap lookups
 * instead (a prefix, a phrase or a spelled-out prefix would be set up again on every probe).
 */
function probesEachArticle(
  query: ArticleListQuery,
  sample: SearchSample | undefined,
  articleCount: () => number,
) {
  return (
    sample !== undefined &&
    !sample.complete &&
    sample.total >= articleCount() / 2 &&
    !/\*|\(|"[^"]* [^"]*"/.test(query.match ?? '')
  );
}

/** The ids a relevance cursor carries: the rest of the walk. */
const idsOf = ([, ...ids]: RelevanceCursor): number[] => ids;

/** Pages of a list query, by date or by relevance, as rows still to be turned into summaries. */
export function createArticlePages(prepare: PrepareCached, search: ArticleSearch) {
  /** Newest (or oldest) first, by keyset on (published_sort, id). */
  function byDate(query: ArticleListQuery, filter: ArticleFilter, sample: SearchSample | undefined): RowPage {
    const probe = probesEachArticle(query, sample, search.articleCount);
    const link = singleLinkFilter(query);
    const params: Record<string, unknown> = {
      ...(link ? { slug: link.slug } : filter.params),
      take: query.limit + 1,
    };
    if (query.cursor) {
      const [sortKey, afterId] = decodeCursor<DateCursor>(query.cursor, isDateCursor);
      Object.assign(params, { sortKey, afterId });
    }
    const key = `date:${query.sort}:${link ? link.table : filter.shape}:${Boolean(query.cursor)}:${query.withBodies}:${probe}`;
    const rows = prepare<PageRow>(key, () => datePageSql(query, filter, link, probe)).all(params);
    // The sort key is published_sort, which is published_at with unknown dates as ''.
    return pageOf(rows, query.limit, (last) => [last.published_at ?? '', last.id]);
  }

  /**
   * Best match first. The first page ranks the search's sample and keeps the top ids; later pages
   * read theirs from the cursor, so a walk is exact whatever arrives meanwhile, and costs no ranking.
   */
  function byRelevance(query: ArticleListQuery, sample: () => SearchSample): RowPage {
    const ranked = query.cursor
      ? idsOf(decodeCursor<RelevanceCursor>(query.cursor, isRelevanceCursor))
      : search.rank(query.match!, sample(), relevanceWalkLimit);
    const pageIds = ranked.slice(0, query.limit);
    const rest = ranked.slice(query.limit);
    const rows = prepare<PageRow>(
      `ids:${query.withBodies}`,
      // CROSS JOIN keeps the page's ids as the outer loop: twenty lookups, not a scan of every match.
      () => `SELECT ${pageColumns(query)} FROM json_each(@ids) page CROSS JOIN articles a ON a.id = page.value
        ORDER BY page.key`,
    ).all({ ids: JSON.stringify(pageIds) });
    return { rows, nextCursor: rest.length ? encodeCursor(['relevance', ...rest]) : null };
  }

  /**
   * Snippets of a search page in one pass over the index between the page's lowest and highest id.
   * Joining the index once per row would restart the query for each: cheap for a word, but a prefix
   * or a phrase is set up again twenty times.
   */
  function addSnippets(rows: PageRow[], match: string): void {
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    const found = prepare<{ id: number; snippet: string }>('snippets', () => snippetsOf).all({
      match,
      ids: JSON.stringify(ids),
      low: Math.min(...ids),
      high: Math.max(...ids),
    });
    const snippets = new Map(found.map((row) => [row.id, row.snippet]));
    for (const row of rows) {
      const snippet = snippets.get(row.id);
      if (snippet !== undefined) row.snippet = snippetHtml(snippet);
    }
  }

  return { byDate, byRelevance, addSnippets };
}
