import type { AuthorSummary, Image, RelatedArticle, TagSummary } from '../services/model.js';
import type { Db } from './connection.js';

/**
 * Weights of one shared link. An author in common says most about a reader's interest; a tag both
 * sources named outweighs one Gazette derived from the text on either side, which is noisier.
 */
export const relatedWeights = { author: 3, explicitTag: 2, derivedTag: 1 } as const;

type SummaryRow = Omit<RelatedArticle, 'images' | 'authors' | 'tags' | 'related'> & {
  images: string;
  score: number;
};

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
    scores AS (SELECT article_id, sum(weight) AS score FROM links GROUP BY article_id)
    SELECT a.id, a.slug, a.title, a.subtitle, a.excerpt, a.images, a.language, a.word_count,
      a.reading_time_minutes, a.published_at, a.source_url, a.content_hash, a.created_at, a.updated_at,
      s.score
    FROM scores s JOIN articles a ON a.id = s.article_id
    ORDER BY s.score DESC, a.published_sort DESC, a.id DESC
    LIMIT @limit`);

  // Authors and tags of the ranked articles in byline and tag order, each marked when @id has it too.
  const authorsOf = sqlite.prepare(`
    SELECT aa.article_id AS articleId, au.id, au.slug, au.name,
      EXISTS (SELECT 1 FROM article_authors mine WHERE mine.article_id = @id
        AND mine.author_id = aa.author_id) AS shared
    FROM article_authors aa JOIN authors au ON au.id = aa.author_id
    WHERE aa.article_id IN (SELECT value FROM json_each(@ids)) ORDER BY aa.article_id, aa.position`);
  const tagsOf = sqlite.prepare(`
    SELECT at.article_id AS articleId, t.id, t.slug, t.name, at.derived,
      EXISTS (SELECT 1 FROM article_tags mine WHERE mine.article_id = @id
        AND mine.tag_id = at.tag_id) AS shared
    FROM article_tags at JOIN tags t ON t.id = at.tag_id
    WHERE at.article_id IN (SELECT value FROM json_each(@ids)) ORDER BY at.article_id, at.position`);

  return {
    /** Up to `limit` articles sharing tags or authors with article `id`, best match first, then newest. */
    async listRelatedArticles(id: number, limit: number): Promise<RelatedArticle[]> {
      const rows = ranked.all({ id, limit }) as SummaryRow[];
      if (rows.length === 0) return [];
      const ids = JSON.stringify(rows.map((row) => row.id));
      const byArticle = new Map(
        rows.map((row) => [
          row.id,
          {
            authors: [] as AuthorSummary[],
            tags: [] as TagSummary[],
            sharedAuthors: [] as string[],
            sharedTags: [] as string[],
          },
        ]),
      );
      for (const { articleId, shared, ...author } of authorsOf.all({ id, ids }) as (AuthorSummary & {
        articleId: number;
        shared: number;
      })[]) {
        const entry = byArticle.get(articleId)!;
        entry.authors.push(author);
        if (shared) entry.sharedAuthors.push(author.slug);
      }
      for (const { articleId, shared, derived, ...tag } of tagsOf.all({ id, ids }) as (Omit<
        TagSummary,
        'derived'
      > & { articleId: number; shared: number; derived: number })[]) {
        const entry = byArticle.get(articleId)!;
        entry.tags.push({ ...tag, derived: derived === 1 });
        if (shared) entry.sharedTags.push(tag.slug);
      }
      return rows.map(({ score, images, ...row }) => {
        const entry = byArticle.get(row.id)!;
        return {
          ...row,
          images: JSON.parse(images) as Image[],
          authors: entry.authors,
          tags: entry.tags,
          related: { score, shared_tags: entry.sharedTags, shared_authors: entry.sharedAuthors },
        };
      });
    },
  };
}

export type RelatedRepository = ReturnType<typeof createRelatedRepository>;
