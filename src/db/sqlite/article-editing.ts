import type Database from 'better-sqlite3';
import type { ArticleDraft } from '../../domain/article.js';
import { Conflict } from '../../lib/errors.js';
import { nextVersion } from '../versions.js';
import { createArticleLinks } from './article-links.js';
import { createArticleRows } from './article-rows.js';
import type { EventLog } from './events.js';
import type { StoredRow } from './rows.js';
import type { articles } from './schema.js';
import { createSimhashBands } from './simhash-bands.js';
import { uniqueSlug } from './statements.js';
import { writeGateOf } from './writes.js';

type ArticleRow = StoredRow<typeof articles>;

/**
 * Rewriting an article from an edit: its row, links, simhash bands, slug and change-feed event in one
 * transaction, only while the article is still the version the edit was made on.
 */
export function createArticleEditing(sqlite: Database.Database, events: EventLog) {
  const gate = writeGateOf(sqlite);
  const rows = createArticleRows(sqlite);
  const links = createArticleLinks(sqlite, events);
  const bands = createSimhashBands(sqlite);
  const current = sqlite.prepare<[number], Pick<ArticleRow, 'slug' | 'updated_at'>>(
    'SELECT slug, updated_at FROM articles WHERE id = ?',
  );
  const sameContent = sqlite
    .prepare<[string, number], ArticleRow['id']>('SELECT id FROM articles WHERE content_hash = ? AND id <> ?')
    .pluck();
  const slugTaken = sqlite
    .prepare(`SELECT EXISTS (SELECT 1 FROM articles WHERE slug = @slug AND id <> @id)
      OR EXISTS (SELECT 1 FROM article_slugs WHERE slug = @slug AND article_id <> @id)`)
    .pluck();
  const setSlug = sqlite.prepare('UPDATE articles SET slug = ? WHERE id = ?');
  const markEdited = sqlite.prepare('UPDATE articles SET edited_at = ? WHERE id = ?');
  const rememberSlug = sqlite.prepare(
    'INSERT OR REPLACE INTO article_slugs (slug, article_id) VALUES (?, ?)',
  );
  const forgetSlug = sqlite.prepare('DELETE FROM article_slugs WHERE slug = ?');

  /** Gives the article the slug of its new title; the old one is remembered and keeps resolving. */
  function reslug(id: number, oldSlug: string, base: string): void {
    const slug = uniqueSlug(base, (candidate) => slugTaken.get({ slug: candidate, id }) === 1);
    if (slug === oldSlug) return;
    forgetSlug.run(slug);
    setSlug.run(slug, id);
    rememberSlug.run(oldSlug, id);
  }

  const update = sqlite.transaction(
    (id: number, expectedUpdatedAt: string, draft: ArticleDraft, now: string): boolean => {
      const row = current.get(id);
      if (row?.updated_at !== expectedUpdatedAt) return false;
      const copy = sameContent.get(draft.contentHash, id);
      if (copy !== undefined) {
        throw new Conflict(
          `Article ${copy} already has this title and body; an edit cannot make a copy of it.`,
        );
      }
      const version = nextVersion(now, expectedUpdatedAt);
      if (draft.slug !== row.slug) reslug(id, row.slug, draft.slug);
      rows.update(id, draft, version);
      markEdited.run(version, id);
      links.unlink(id);
      links.link(id, draft, version);
      bands.remove(id);
      bands.add(id, draft.simhash);
      events.article('article.updated', id, version);
      return true;
    },
  );

  return {
    async updateArticle(id: number, expectedUpdatedAt: string, draft: ArticleDraft, now: string) {
      return gate.write(() => update.immediate(id, expectedUpdatedAt, draft, now));
    },
  };
}
