import type { ArticleListQuery, ArticlePage, FacetCount, FacetName } from '../../domain/article.js';
import { type ArticleFilter, filteredArticles } from './article-filters.js';
import type { PrepareCached } from './statements.js';

/** Tags and authors a facet lists at most, the most counted first. */
export const maxFacetValues = 50;

/** Each facet's counts over `matched`, the ids and dates of the articles counted. */
const facetQueries: Record<FacetName, string> = {
  // Links are counted first and named after: a few hundred name lookups, not one per link.
  tag: `SELECT t.slug AS value, t.name AS name, c.count AS count FROM (SELECT at.tag_id, count(*) AS count
      FROM matched m JOIN article_tags at ON at.article_id = m.id GROUP BY at.tag_id) c
    JOIN tags t ON t.id = c.tag_id ORDER BY c.count DESC, t.slug LIMIT ${maxFacetValues}`,
  author: `SELECT au.slug AS value, au.name AS name, c.count AS count FROM (SELECT aa.author_id, count(*) AS count
      FROM matched m JOIN article_authors aa ON aa.article_id = m.id GROUP BY aa.author_id) c
    JOIN authors au ON au.id = c.author_id ORDER BY c.count DESC, au.slug LIMIT ${maxFacetValues}`,
  month: `SELECT substr(m.published_at, 1, 7) AS value, substr(m.published_at, 1, 7) AS name, count(*) AS count
    FROM matched m WHERE m.published_at IS NOT NULL GROUP BY value ORDER BY value DESC`,
};

/** The facets of a plain list, counted over every match (a search counts its sample: sample-facets.ts). */
export function countFacets(
  prepare: PrepareCached,
  facets: FacetName[],
  query: ArticleListQuery,
  filter: ArticleFilter,
): NonNullable<ArticlePage['facets']> {
  return Object.fromEntries(
    facets.map((facet) => [
      facet,
      prepare<FacetCount>(
        `facet:${facet}:${filter.shape}`,
        () =>
          `WITH matched AS (SELECT a.id, a.published_at FROM ${filteredArticles(query, filter)}) ${facetQueries[facet]}`,
      ).all(filter.params),
    ]),
  );
}
