import { articleSummaryColumns } from '../src/db/article-summary.js';
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
  search: `WITH page AS MATERIALIZED (SELECT ${fullTextSearch.id} AS id, ${fullTextSearch.rank} AS sortKey
    FROM ${fullTextSearch.alone} WHERE ${fullTextSearch.where} ORDER BY sortKey, id LIMIT 21)
    SELECT ${articleSummaryColumns}, ${fullTextSearch.snippet} AS snippet FROM page JOIN articles a ON a.id = page.id
    ${fullTextSearch.join} WHERE ${fullTextSearch.where} ORDER BY page.sortKey, page.id`,
};
