import { asc, desc, inArray, type SQL, sql } from 'drizzle-orm';
import type { ArticleListItem, ArticleListQuery } from '../../domain/article.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import {
  type DateCursor,
  isDateCursor,
  isRelevanceCursor,
  pageOf,
  type RelevanceCursor,
  relevanceWalkLimit,
} from '../cursors.js';
import { allOf, idAmong } from './article-filters.js';
import type { ArticleSearch, SearchSample } from './article-search.js';
import { bodyColumns, summaryColumns } from './article-summary.js';
import { fitsIdColumn, textIdBound } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { articles } from './schema.js';

export interface RowPage {
  rows: ArticleListItem[];
  nextCursor: string | null;
}

/** Pages of a list query, by date or by relevance. */
export function createArticlePages(db: PostgresDb, search: ArticleSearch) {
  /** Summaries (with bodies when asked for) of the articles `where` selects, in `order`. */
  function select(query: ArticleListQuery, where: SQL | undefined, order: SQL[], limit: number) {
    const columns = query.withBodies ? { ...summaryColumns, ...bodyColumns } : summaryColumns;
    return db
      .select(columns)
      .from(articles)
      .where(where)
      .orderBy(...order)
      .limit(limit);
  }

  /**
   * Newest (or oldest) first, by keyset on (published_sort, id). A search whose sample holds every
   * match pages through those ids: walking the date index and testing each article would read them
   * all when few match. When many match, the walk finds a page in a few rows.
   */
  async function byDate(
    query: ArticleListQuery,
    conditions: SQL[],
    sample: () => Promise<SearchSample>,
  ): Promise<RowPage> {
    const descending = query.sort === '-published_at';
    const taken = query.match ? await sample() : undefined;
    const keyed = taken?.complete ? [idAmong(taken.ids)] : [...conditions];
    if (query.cursor) {
      const [sortKey, afterId] = decodeCursor<DateCursor>(query.cursor, isDateCursor);
      const key = sql`(${articles.publishedSort}, ${articles.id})`;
      keyed.push(
        descending
          ? sql`${key} < ${textIdBound(sortKey, afterId)}`
          : sql`${key} > ${textIdBound(sortKey, afterId)}`,
      );
    }
    const direction = descending ? desc : asc;
    const order = [direction(articles.publishedSort), direction(articles.id)];
    const rows = await select(query, allOf(keyed), order, query.limit + 1);
    return pageOf(rows, query.limit, (last) => [last.published_at ?? '', last.id]);
  }

  /** Best match first: the first page ranks the sample; later pages read their ids from the cursor. */
  async function byRelevance(query: ArticleListQuery, sample: () => Promise<SearchSample>): Promise<RowPage> {
    const ranked = query.cursor
      ? (decodeCursor<RelevanceCursor>(query.cursor, isRelevanceCursor).slice(1) as number[])
      : await search.rank(query.match!, await sample(), relevanceWalkLimit);
    const pageIds = ranked.slice(0, query.limit);
    const rest = ranked.slice(query.limit);
    // Ids past 32 bits name no article (a forged cursor): left out, as SQLite finds none for them.
    const lookup = pageIds.filter(fitsIdColumn);
    const found = lookup.length ? await select(query, inArray(articles.id, lookup), [], lookup.length) : [];
    const byId = new Map(found.map((row) => [row.id, row]));
    // An article deleted since the walk began is left out, as SQLite's join leaves it out.
    const rows = pageIds.flatMap((id) => byId.get(id) ?? []);
    return { rows, nextCursor: rest.length ? encodeCursor(['relevance', ...rest]) : null };
  }

  return { byDate, byRelevance };
}
