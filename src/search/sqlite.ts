import { escapeHtml } from '../lib/escape-html.js';

/**
 * Full-text search on SQLite FTS5: the SQL that the articles repository splices into its list
 * query. Fragments that touch the articles table take the alias the caller gave it. A PostgreSQL
 * version would provide the same pieces over a tsvector column.
 */

// Highlight markers that cannot occur in stored text; the snippet is HTML-escaped and they become <mark>.
const markStart = '\u0002';
const markEnd = '\u0003';

export const fullTextSearch = {
  /** Joins the index to the articles table as aliased by the caller; then `where` filters by it. */
  join: (articles: string) => `JOIN articles_fts ON articles_fts.rowid = ${articles}.id`,
  /** Matches `@match`, the output of toFullTextQuery. */
  where: 'articles_fts MATCH @match',
  /**
   * The same test for one article of the caller's articles alias at a time, with no join: a lookup by
   * rowid, for walks that visit few rows.
   */
  probe: (articles: string) =>
    `EXISTS (SELECT 1 FROM articles_fts probe WHERE probe.articles_fts MATCH @match AND probe.rowid = ${articles}.id)`,
  /** The index alone, for a relevance page with no other filter: FTS5 then ranks and sorts itself. */
  alone: 'articles_fts',
  id: 'articles_fts.rowid',
  /** bm25 with the title weighted far above the body (set in migrations 0003 and 0004); lower is better. */
  rank: 'articles_fts.rank',
  /**
   * Rows of the index from `@low` to `@high`. FTS5 narrows its scan to a rowid range only when the
   * bounds are integers, and the driver binds JavaScript numbers as REAL: without the casts it read
   * every match and SQLite dropped those outside the range after (for "said" over the newest 10,000
   * of 100,000 articles, 9 ms against 1 ms).
   */
  idBetween: 'articles_fts.rowid BETWEEN CAST(@low AS INTEGER) AND CAST(@high AS INTEGER)',
  /** About 24 words around the best match, from whichever column matched best. */
  snippet: `snippet(articles_fts, -1, '${markStart}', '${markEnd}', '…', 24)`,
};

/**
 * Snippets of the articles `@ids`, between `@low` and `@high`, in one pass: `+rowid` keeps the id
 * list a filter, since FTS5 would otherwise restart the query once per id.
 */
export const snippetsOf = `SELECT rowid AS id, ${fullTextSearch.snippet} AS snippet FROM articles_fts
  WHERE articles_fts MATCH @match AND ${fullTextSearch.idBetween} AND +rowid IN (SELECT value FROM json_each(@ids))`;

/** The snippet as safe HTML: the text escaped, the matches wrapped in <mark>. */
export function snippetHtml(raw: string): string {
  return escapeHtml(raw).replaceAll(markStart, '<mark>').replaceAll(markEnd, '</mark>');
}
