import type Database from 'better-sqlite3';
import { articleSummaryColumns } from '../src/db/sqlite/article-summary.js';
import { fullTextSearch } from '../src/search/sqlite.js';

/**
 * The SQL Gazette runs for each benchmarked request, written out once so the baselines run exactly
 * the same statements bare through better-sqlite3: the difference is Gazette's own overhead.
 */
export const bareSql = {
  oneArticle: `SELECT ${articleSummaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.id = ?`,
  firstPage: `WITH page AS MATERIALIZED (SELECT a.id AS id, a.published_sort AS sortKey FROM articles a
    ORDER BY sortKey DESC, id DESC LIMIT 21)
    SELECT ${articleSummaryColumns} FROM page JOIN articles a ON a.id = page.id ORDER BY page.sortKey DESC, page.id DESC`,
  deepPage: `WITH page AS MATERIALIZED (SELECT a.id AS id, a.published_sort AS sortKey FROM articles a
    WHERE a.published_sort <= @sortKey AND (a.published_sort < @sortKey OR a.id < @id)
    ORDER BY sortKey DESC, id DESC LIMIT 21)
    SELECT ${articleSummaryColumns} FROM page JOIN articles a ON a.id = page.id ORDER BY page.sortKey DESC, page.id DESC`,
  /** A relevance search is two statements: rank the top ids, then build the first page's rows. */
  searchRanked: `SELECT ${fullTextSearch.id} AS id FROM ${fullTextSearch.alone} WHERE ${fullTextSearch.where}
    ORDER BY ${fullTextSearch.rank}, id LIMIT 200`,
  searchPage: `SELECT ${articleSummaryColumns}, ${fullTextSearch.snippet} AS snippet FROM json_each(@ids) page
    CROSS JOIN articles a ON a.id = page.value CROSS JOIN articles_fts ON articles_fts.rowid = a.id WHERE ${fullTextSearch.where} ORDER BY page.key`,
};

/** Runs the two search statements bare, for one full-text query. */
export function bareSearch(db: Database.Database): (match: string) => unknown[] {
  const ranked = db.prepare(bareSql.searchRanked).pluck();
  const page = db.prepare(bareSql.searchPage);
  return (match) =>
    page.all({ ids: JSON.stringify((ranked.all({ match }) as number[]).slice(0, 20)), match });
}
