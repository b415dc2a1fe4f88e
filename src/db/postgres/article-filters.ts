import { and, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { ArticleListQuery } from '../../domain/article.js';
import { searchConfiguration, toTsQuery } from '../../search/postgres.js';
import { storable } from './bounds.js';
import { articles } from './schema.js';

/** The search column's configuration as a constant, as the planner best reads it. */
export const configurationSql = sql.raw(`'${searchConfiguration}'::regconfig`);

/** The search as a tsquery expression, for `@@`, ranking and headlines alike. */
export const tsQueryOf = (match: string): SQL => sql`to_tsquery(${configurationSql}, ${toTsQuery(match)})`;

/** `column IN (slugs)`, leaving out slugs PostgreSQL cannot hold (they are no one's); false when none is left. */
function slugIn(column: SQL, slugs: string[]): SQL {
  const held = slugs.filter(storable);
  return held.length ? sql`${column} IN ${held}` : sql`false`;
}

/** The conditions over `articles` that a list query's filters make, shared by pages, counts and facets. */
export function articleConditions(query: ArticleListQuery): SQL[] {
  const conditions: (SQL | undefined)[] = [];
  // An array in a sql template is a parenthesised list of parameters: `IN ($1, $2)`.
  if (query.tags?.length) {
    conditions.push(sql`${articles.id} IN (SELECT at.article_id FROM article_tags at
      JOIN tags t ON t.id = at.tag_id WHERE ${slugIn(sql`t.slug`, query.tags)})`);
  }
  if (query.authors?.length) {
    conditions.push(sql`${articles.id} IN (SELECT aa.article_id FROM article_authors aa
      JOIN authors au ON au.id = aa.author_id WHERE ${slugIn(sql`au.slug`, query.authors)})`);
  }
  if (query.language) conditions.push(sql`${articles.language} = ${query.language}`);
  if (query.publishedAfter) conditions.push(gte(articles.publishedAt, query.publishedAfter));
  if (query.publishedBefore) conditions.push(lt(articles.publishedAt, query.publishedBefore));
  if (query.match) conditions.push(sql`${articles.search} @@ ${tsQueryOf(query.match)}`);
  return conditions.filter((condition) => condition !== undefined);
}

/**
 * `articles.id` among `ids` as one array parameter: a list of a sample's 2,000 parameters costs
 * more to parse and bind than the query costs to run. False when there are none.
 */
export const idAmong = (ids: number[]): SQL =>
  ids.length ? sql`${articles.id} = ANY(${`{${ids.join(',')}}`}::int[])` : sql`false`;

/** The conditions as one WHERE expression; undefined (no WHERE) when there are none. */
export const allOf = (conditions: SQL[]): SQL | undefined => and(...conditions);
