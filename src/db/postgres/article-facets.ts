import { type SQL, sql } from 'drizzle-orm';
import type { ArticlePage, FacetCount, FacetName } from '../../domain/article.js';
import { allOf, idAmong } from './article-filters.js';
import type { PostgresDb } from './connection.js';
import { articles } from './schema.js';

/** Each facet's counts over `matched`, the ids and dates of the articles counted; ties by slug, byte order. */
const facetQueries: Record<FacetName, SQL> = {
  tag: sql`SELECT t.slug AS value, t.name AS name, count(*)::int AS count FROM matched m
    JOIN article_tags at ON at.article_id = m.id JOIN tags t ON t.id = at.tag_id
    GROUP BY t.id ORDER BY count DESC, t.slug COLLATE "C" LIMIT 50`,
  author: sql`SELECT au.slug AS value, au.name AS name, count(*)::int AS count FROM matched m
    JOIN article_authors aa ON aa.article_id = m.id JOIN authors au ON au.id = aa.author_id
    GROUP BY au.id ORDER BY count DESC, au.slug COLLATE "C" LIMIT 50`,
  month: sql`SELECT substr(m.published_at, 1, 7) AS value, substr(m.published_at, 1, 7) AS name,
    count(*)::int AS count FROM matched m WHERE m.published_at IS NOT NULL
    GROUP BY 1 ORDER BY value DESC`,
};

/** The facets a list query asks for: a search counts over its sample ids; a plain list over every match. */
export async function countFacets(
  db: PostgresDb,
  facets: FacetName[],
  conditions: SQL[],
  sampleIds: number[] | undefined,
): Promise<NonNullable<ArticlePage['facets']>> {
  const where = sampleIds ? idAmong(sampleIds) : allOf(conditions);
  const matched = sql`SELECT ${articles.id} AS id, ${articles.publishedAt} AS published_at FROM ${articles}
    ${where ? sql`WHERE ${where}` : sql``}`;
  const counts = await Promise.all(
    facets.map(async (facet) => {
      const result = await db.execute<FacetCount>(sql`WITH matched AS (${matched}) ${facetQueries[facet]}`);
      return [facet, result.rows] as const;
    }),
  );
  return Object.fromEntries(counts);
}
