import type { RelatedRepository } from '../../domain/ports.js';
import { relatedWeights } from '../../domain/related.js';
import { type ArticleSummaryRow, articleSummaryColumns, toArticleSummary } from './article-summary.js';
import type { Db } from './connection.js';

export function createRelatedRepository(db: Db): RelatedRepository {
  const sqlite = db.$client;

  // Every article sharing a tag or an author with @id gets the sum of its links' weights; the link
  // tables' (tag, article) and (author, article) indexes find them without scanning articles.
  const ranked = sqlite.prepare<{ id: number; limit: number }, ArticleSummaryRow & { score: number }>(`
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
    async listRelatedArticles(id, limit) {
      return ranked.all({ id, limit }).map(toArticleSummary);
    },
  };
}
