import type Database from 'better-sqlite3';
import type { ArticleDraft } from '../../domain/article.js';
import { bioToKeep } from '../../domain/collections.js';
import type { EventLog } from './events.js';
import type { StoredRow } from './rows.js';
import type { authors, tags } from './schema.js';
import { uniqueSlug } from './statements.js';

/**
 * An article's authors and tags: each person and tag stored once, and linked to the article in
 * byline and tag order. The caller runs these inside its transaction; people and tags created or
 * changed here are recorded in the change feed.
 */
export function createArticleLinks(sqlite: Database.Database, events: EventLog) {
  const authorByKey = sqlite.prepare<[string], Pick<StoredRow<typeof authors>, 'id' | 'bio'>>(
    'SELECT id, bio FROM authors WHERE name_key = ?',
  );
  const authorSlugTaken = sqlite.prepare('SELECT 1 FROM authors WHERE slug = ?').pluck();
  const insertAuthor = sqlite.prepare(`INSERT INTO authors (slug, name, name_key, bio, created_at, updated_at)
    VALUES (@slug, @name, @key, @bio, @now, @now)`);
  const updateAuthorBio = sqlite.prepare('UPDATE authors SET bio = ?, updated_at = ? WHERE id = ?');
  // A slug a tag answers to besides its own (merged into it, or its new name's) links that tag.
  const tagBySlug = sqlite
    .prepare<
      { slug: string },
      StoredRow<typeof tags>['id'] | null
    >(`SELECT coalesce((SELECT id FROM tags WHERE slug = @slug),
      (SELECT tag_id FROM tag_slugs WHERE slug = @slug))`)
    .pluck();
  const insertTag = sqlite.prepare(
    'INSERT INTO tags (slug, name, created_at, updated_at) VALUES (@slug, @name, @now, @now)',
  );
  const linkAuthor = sqlite.prepare(
    'INSERT OR IGNORE INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)',
  );
  const linkTag = sqlite.prepare(
    'INSERT OR IGNORE INTO article_tags (article_id, tag_id, position, derived) VALUES (?, ?, ?, ?)',
  );
  const unlinkAuthors = sqlite.prepare('DELETE FROM article_authors WHERE article_id = ?');
  const unlinkTags = sqlite.prepare('DELETE FROM article_tags WHERE article_id = ?');

  function authorId(author: ArticleDraft['authors'][number], now: string): number {
    const existing = authorByKey.get(author.key);
    if (!existing) {
      const slug = uniqueSlug(author.slug, (candidate) => authorSlugTaken.get(candidate));
      const id = Number(insertAuthor.run({ ...author, slug, now }).lastInsertRowid);
      events.author('author.created', id, now);
      return id;
    }
    const bio = bioToKeep(existing.bio, author.bio);
    if (bio !== existing.bio) {
      updateAuthorBio.run(bio, now, existing.id);
      events.author('author.updated', existing.id, now);
    }
    return existing.id;
  }

  function tagId(tag: ArticleDraft['tags'][number], now: string): number {
    // The coalesce always gives a row: NULL when no tag has the slug.
    const existing = tagBySlug.get({ slug: tag.slug }) ?? null;
    if (existing !== null) return existing;
    const id = Number(insertTag.run({ slug: tag.slug, name: tag.name, now }).lastInsertRowid);
    events.tag('tag.created', id, now);
    return id;
  }

  return {
    /** Links the draft's authors and tags to the article, storing those not seen before. */
    link(articleId: number, draft: ArticleDraft, now: string): void {
      draft.authors.forEach((author, position) => {
        linkAuthor.run(articleId, authorId(author, now), position);
      });
      draft.tags.forEach((tag, position) => {
        linkTag.run(articleId, tagId(tag, now), position, tag.derived ? 1 : 0);
      });
    },

    /** Removes the article's links; the authors and tags stay, as other articles may name them. */
    unlink(articleId: number): void {
      unlinkAuthors.run(articleId);
      unlinkTags.run(articleId);
    },
  };
}
