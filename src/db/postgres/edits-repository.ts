import { sql } from 'drizzle-orm';
import type { EditableArticle } from '../../domain/edits.js';
import type { EditsRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { createArticleEditing } from './article-editing.js';
import { fitsIdColumn } from './bounds.js';
import { createCollectionEditing } from './collection-editing.js';
import type { PostgresDb } from './connection.js';
import { articleJson } from './events.js';
import { createTagMerge } from './tag-merge.js';

/** Edits of articles, authors and tags on PostgreSQL, with the rules of ../edits-repository.ts. */
export function createPostgresEditsRepository(db: PostgresDb): EditsRepository {
  return {
    ...createArticleEditing(db),
    ...createCollectionEditing(db),
    ...createTagMerge(db),
    // The article as the feed carries it (both bodies), plus its simhash; by id, slug or former slug.
    async findEditableArticle(idOrSlug: string): Promise<EditableArticle | undefined> {
      if (isNumericId(idOrSlug) && !fitsIdColumn(Number(idOrSlug))) return undefined;
      const id = isNumericId(idOrSlug)
        ? sql`${Number(idOrSlug)}::int`
        : sql`coalesce((SELECT id FROM articles WHERE slug = ${idOrSlug}),
            (SELECT article_id FROM article_slugs WHERE slug = ${idOrSlug}))`;
      const found = await db.execute<{ data: string; simhash: string }>(
        sql`SELECT ${sql.raw(articleJson)} AS data, a.simhash FROM articles a WHERE a.id = ${id}`,
      );
      const row = found.rows[0];
      return row && { ...(JSON.parse(row.data) as Omit<EditableArticle, 'simhash'>), simhash: row.simhash };
    },
  };
}
