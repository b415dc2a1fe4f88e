import type { ArticleSummary } from '../services/model.js';
import { type ArticleSummaryRow, articleSummaryColumns, toArticleSummary } from './article-summary.js';
import type { Db } from './connection.js';

/**
 * Weights of one shared link. An author in common says most about a reader's interest; a tag both
 * sources named outweighs one Gazette derived from the text on either side, which is noisier.
 */
export const relatedWeights = { author: 3, explicitTag: 2, derivedTag: 1 } as const;

export function createRelatedRepository(db: Db) {
  const sqlite = db.$client;

  // Every article sharing a tag or an author with @id gets the sum of its links' weights; the link
  // tables' (tag, article) and (author, article) indexes find them without scanning articles.
  const ranked = sqlite.prepare(`
    WITH links AS (
      SELECT other.article_id, CASE WHEN mine.derived = 0 AND other.derived = 0
        THEN ${relatedWeights.explicitTag} ELSE ${relatedWeights.derivedTag} END AS weight
      FROM article_tags mine JOIN article_tags other ON other.tag_id = mine.tag_id
      WHERE mine.article_id = @id AND other.article_id <> @id
      UNION ALL
      SELECT other.article_id, ${relatedWeights.author}
      FROM article_authors mine JOIN article_authors other ON other.author_id = mine.author_id
      WHERE mine.article_id = @id AND other.article_id <> @id
    ),
    scores AS (SELECT article_id, sum(weight) AS score FROM links GROUP BY article_id),
    top AS MATERIALIZED (
      SELECT s.article_id AS id, s.score, a.published_sort FROM scores s JOIN articles a ON a.id = s.article_id
      ORDER BY s.score DESC, a.published_sort DESC, a.id DESC LIMIT @limit
    )
    SELECT ${articleSummaryColumns}, top.score FROM top JOIN articles a ON a.id = top.id
    ORDER BY top.score DESC, top.published_sort DESC, top.id DESC`);

  return {
    /** Up to `limit` articles sharing tags or authors with article `id`, best match first, then newest. */
    async listRelatedArticles(id: number, limit: number): Promise<(ArticleSummary & { score: number })[]> {
      return (ranked.all({ id, limit }) as (ArticleSummaryRow & { score: number })[]).map(toArticleSummary);
    },
  };
}
