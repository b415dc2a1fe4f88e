import { desc, inArray, max, type SQL, sql } from 'drizzle-orm';
import { angleStandIns, headlineHtml, headlineOptions } from '../../search/postgres.js';
import { allOf, configurationSql, idAmong, tsQueryOf } from './article-filters.js';
import type { PostgresDb } from './connection.js';
import { articles } from './schema.js';

/** As on SQLite: totals and facets of a search consider at most its newest this many matches. */
const defaultSearchSampleSize = 2000;

/**
 * Matches ranked at most, the sample's newest: ranking reads each one's tsvector (about 3 kB, out of
 * line in TOAST), the one cost that grows with the sample. The rest follow, newest first.
 */
const rankedSize = 500;

/** The matches a search works on, newest first, and how many there are in all. */
export interface SearchSample {
  ids: number[];
  /** True when `ids` holds every match. */
  complete: boolean;
  /** Exact when complete; otherwise extrapolated from how far back the sample reaches. */
  total: number;
}

/**
 * Bounded full-text search over the GIN-indexed tsvector, sampled exactly as on SQLite (the newest
 * matches by id, the total extrapolated past the sample), so both engines report the same totals and
 * `estimated` flags for the same data. Ranking is ts_rank_cd (title weighted highest), which orders
 * differently from FTS5's bm25: the contract guarantees the matches, not their order.
 */
export function createArticleSearch(db: PostgresDb, sampleSize: number = defaultSearchSampleSize) {
  async function newestId(): Promise<number> {
    const [row] = await db.select({ newest: max(articles.id) }).from(articles);
    return row?.newest ?? 0;
  }

  /**
   * The newest matches of the query and its filters (`conditions` include the match), at most
   * `sampleSize`. The planner prices testing `@@` on a row as nothing, so for a common word it walks
   * the id index or the table reading every match's tsvector; the GIN index finds them without
   * reading one, so only bitmap scans are allowed here.
   */
  async function sample(conditions: SQL[]): Promise<SearchSample> {
    const rows = await db.transaction(async (tx) => {
      // Without parameters, both settings go in one round trip.
      await tx.execute(sql`SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off`);
      return tx
        .select({ id: articles.id })
        .from(articles)
        .where(allOf(conditions))
        .orderBy(desc(articles.id))
        .limit(sampleSize + 1);
    });
    const ids = rows.map((row) => row.id);
    if (ids.length <= sampleSize) return { ids, complete: true, total: ids.length };
    ids.pop();
    const newest = await newestId();
    const reach = newest - ids.at(-1)! + 1;
    return {
      ids,
      complete: false,
      total: Math.max(sampleSize + 1, Math.round((sampleSize * newest) / reach)),
    };
  }

  /** The sample's ids, best first (ties newest first) among its newest `rankedSize`, at most `limit`. */
  async function rank(match: string, taken: SearchSample, limit: number): Promise<number[]> {
    if (taken.ids.length === 0) return [];
    const rows = await db
      .select({ id: articles.id })
      .from(articles)
      .where(idAmong(taken.ids.slice(0, rankedSize)))
      .orderBy(sql`ts_rank_cd(${articles.search}, ${tsQueryOf(match)}) DESC`, desc(articles.id))
      .limit(limit);
    return [...rows.map((row) => row.id), ...taken.ids.slice(rankedSize)].slice(0, limit);
  }

  /** Highlighted snippets of the articles `ids`, from their title, subtitle and body. */
  async function snippets(match: string, ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const text = sql`concat_ws(' ', ${articles.title}, ${articles.subtitle}, ${articles.bodyText})`;
    const document = sql`translate(${text}, '<>', ${angleStandIns})`;
    const rows = await db
      .select({
        id: articles.id,
        snippet: sql<string>`ts_headline(${configurationSql}, ${document}, ${tsQueryOf(match)}, ${headlineOptions})`,
      })
      .from(articles)
      .where(inArray(articles.id, ids));
    return new Map(rows.map((row) => [row.id, headlineHtml(row.snippet)]));
  }

  return { sample, rank, snippets };
}

export type ArticleSearch = ReturnType<typeof createArticleSearch>;
