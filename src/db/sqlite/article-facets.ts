import type { ArticleListQuery, ArticlePage, FacetCount, FacetName } from '../../domain/article.js';
import { type ArticleFilter, filteredArticles } from './article-filters.js';
import type { SearchSample } from './article-search.js';
import type { PrepareCached } from './statements.js';

/** Each facet's counts over `matched`, the ids and dates of the articles counted. */
const facetQueries: Record<FacetName, string> = {
  // Links are counted first and named after: a few hundred name lookups, not one per link.
  tag: `SELECT t.slug AS value, t.name AS name, c.count AS count FROM (SELECT at.tag_id, count(*) AS count
      FROM matched m JOIN article_tags at ON at.article_id = m.id GROUP BY at.tag_id) c
    JOIN tags t ON t.id = c.tag_id ORDER BY c.count DESC, t.slug LIMIT 50`,
  author: `SELECT au.slug AS value, au.name AS name, c.count AS count FROM (SELECT aa.author_id, count(*) AS count
      FROM matched m JOIN article_authors aa ON aa.article_id = m.id GROUP BY aa.author_id) c
    JOIN authors au ON au.id = c.author_id ORDER BY c.count DESC, au.slug LIMIT 50`,
  month: `SELECT substr(m.published_at, 1, 7) AS value, substr(m.published_at, 1, 7) AS name, count(*) AS count
    FROM matched m WHERE m.published_at IS NOT NULL GROUP BY value ORDER BY value DESC`,
};

/**
 * A search's sample as the facet queries read it. Tags and authors are counted from the ids alone (a
 * link exists only for a stored article). The dates come from the covering index by id: read from
 * the table, each lies past both bodies, and for 2,000 ids at 100,000 articles the month count took
 * 6–9 ms against 1.2–1.9 ms.
 */
function sampled(facet: FacetName): string {
  return facet === 'month'
    ? 'SELECT sample.value AS id, a.published_at FROM json_each(@ids) sample JOIN articles a INDEXED BY articles_id_published_at ON a.id = sample.value'
    : 'SELECT sample.value AS id FROM json_each(@ids) sample';
}

/** The facets a list query asks for: a search counts over its sample; a plain list over every match. */
export function countFacets(
  prepare: PrepareCached,
  facets: FacetName[],
  query: ArticleListQuery,
  filter: ArticleFilter,
  sample: () => SearchSample,
): NonNullable<ArticlePage['facets']> {
  const params = query.match ? { ids: JSON.stringify(sample().ids) } : filter.params;
  const shape = query.match ? 'sample' : filter.shape;
  const matched = (facet: FacetName) =>
    query.match ? sampled(facet) : `SELECT a.id, a.published_at FROM ${filteredArticles(query, filter)}`;
  return Object.fromEntries(
    facets.map((facet) => [
      facet,
      prepare<FacetCount>(
        `facet:${facet}:${shape}`,
        () => `WITH matched AS (${matched(facet)}) ${facetQueries[facet]}`,
      ).all(params),
    ]),
  );
}
