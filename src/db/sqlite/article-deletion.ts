import type Database from 'better-sqlite3';
import type { DeletedArticle } from '../../domain/article.js';
import { isNumericId } from '../ids.js';
import { createEventLog } from './events.js';
import type { StoredRow } from './rows.js';
import type { articles, deletedArticles } from './schema.js';

type Tombstone = StoredRow<typeof deletedArticles>;
/** A tombstone as `columns` reads it. */
type TombstoneRow = { id: Tombstone['article_id'] } & Pick<Tombstone, 'slug' | 'deleted_at'>;

import { writeGateOf } from './writes.js';

/**
 * Deleting articles and reading their tombstones. Deleting the row is enough for everything
 * derived from it: the links and simhash bands cascade, the full-text trigger removes the search
 * entry, and ingests keep their record with `article_id` set to NULL.
 */
export function createArticleDeletion(sqlite: Database.Database) {
  const gate = writeGateOf(sqlite);
  const events = createEventLog(sqlite);
  const columns = 'article_id AS id, slug, deleted_at';
  const tombstoneById = sqlite.prepare<[number], TombstoneRow>(
    `SELECT ${columns} FROM deleted_articles WHERE article_id = ?`,
  );
  // Its last slug, or one it had before a title edit.
  const tombstoneBySlug = sqlite.prepare<{ slug: string }, TombstoneRow>(
    `SELECT ${columns} FROM deleted_articles
     WHERE slug = @slug OR article_id IN (SELECT article_id FROM deleted_article_slugs WHERE slug = @slug)
     ORDER BY deleted_at DESC, article_id DESC LIMIT 1`,
  );
  const slugIfCurrent = sqlite
    .prepare<[number, string], StoredRow<typeof articles>['slug']>(
      'SELECT slug FROM articles WHERE id = ? AND updated_at = ?',
    )
    .pluck();
  const insertTombstone = sqlite.prepare(
    'INSERT INTO deleted_articles (article_id, slug, deleted_at) VALUES (?, ?, ?)',
  );
  // The slug history goes with the row (it cascades), so the tombstone keeps a copy.
  const keepOldSlugs = sqlite.prepare(
    'INSERT INTO deleted_article_slugs (slug, article_id) SELECT slug, article_id FROM article_slugs WHERE article_id = ?',
  );
  const deleteRow = sqlite.prepare('DELETE FROM articles WHERE id = ?');

  const remove = sqlite.transaction((id: number, expectedUpdatedAt: string, now: string): boolean => {
    const slug = slugIfCurrent.get(id, expectedUpdatedAt);
    if (slug === undefined) return false;
    insertTombstone.run(id, slug, now);
    keepOldSlugs.run(id);
    deleteRow.run(id);
    events.deleted('article.deleted', { id, slug, deleted_at: now });
    return true;
  });

  return {
    async findDeletedArticle(idOrSlug: string): Promise<DeletedArticle | undefined> {
      return isNumericId(idOrSlug)
        ? tombstoneById.get(Number(idOrSlug))
        : tombstoneBySlug.get({ slug: idOrSlug });
    },

    async deleteArticle(id: number, expectedUpdatedAt: string, now: string): Promise<boolean> {
      return gate.write(() => remove.immediate(id, expectedUpdatedAt, now));
    },
  };
}
