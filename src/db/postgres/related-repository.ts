import { inArray, sql } from 'drizzle-orm';
import type { RelatedRepository } from '../../domain/ports.js';
import { relatedWeights } from '../../domain/related.js';
import { summaryColumns } from './article-summary.js';
import { fitsIdColumn } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { articles } from './schema.js';

export function createPostgresRelatedRepository(db: PostgresDb): RelatedRepository {
  /** Articles sharing a tag or an author with `id`, each with the sum of its shared links' weights. */
  const ranked = (id: number, limit: number) =>
    db.execute<{ id: number; score: number }>(sql`
      WITH links AS (
        SELECT other.article_id, CASE WHEN NOT mine.derived AND NOT other.derived
          THEN ${sql.raw(String(relatedWeights.explicitTag))} ELSE ${sql.raw(String(relatedWeights.derivedTag))} END AS weight
        FROM article_tags mine JOIN article_tags other ON other.tag_id = mine.tag_id
        WHERE mine.article_id = ${id} AND other.article_id <> ${id}
        UNION ALL
        SELECT other.article_id, ${sql.raw(String(relatedWeights.author))}
        FROM article_authors mine JOIN article_authors other ON other.author_id = mine.author_id
        WHERE mine.article_id = ${id} AND other.article_id <> ${id}
      ),
      scores AS (SELECT article_id, sum(weight)::int AS score FROM links GROUP BY article_id)
      SELECT s.article_id AS id, s.score FROM scores s JOIN articles a ON a.id = s.article_id
      ORDER BY s.score DESC, a.published_sort DESC, a.id DESC LIMIT ${limit}`);

  return {
    async listRelatedArticles(id, limit) {
      if (!fitsIdColumn(id)) return [];
      const top = (await ranked(id, limit)).rows;
      if (top.length === 0) return [];
      const rows = await db
        .select(summaryColumns)
        .from(articles)
        .where(
          inArray(
            articles.id,
            top.map((row) => row.id),
          ),
        );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return top.flatMap(({ id: relatedId, score }) => {
        const row = byId.get(relatedId);
        return row ? [{ ...row, score }] : [];
      });
    },
  };
}
