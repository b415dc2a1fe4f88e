import type Database from 'better-sqlite3';
import type { ChangeType, DeletionSnapshot } from '../../domain/changes.js';
import { articleSummaryColumns } from './article-summary.js';

/**
 * Appends change-feed events. Every method runs inside the caller's write transaction, after the
 * change itself, and reads the resource back so the event carries exactly what was committed.
 */
export function createEventLog(sqlite: Database.Database) {
  const insert = sqlite.prepare(
    'INSERT INTO events (type, resource_id, data, occurred_at) VALUES (?, ?, ?, ?)',
  );
  // JSON built by SQLite, in the same shape the API serves (article-summary.ts), with both bodies.
  const articleJson = sqlite
    .prepare(`SELECT json_object('id', id, 'slug', slug, 'title', title, 'subtitle', subtitle,
      'excerpt', excerpt, 'images', json(images), 'authors', json(authors), 'tags', json(tags),
      'language', language, 'word_count', word_count, 'reading_time_minutes', reading_time_minutes,
      'published_at', published_at, 'source_url', source_url, 'content_hash', content_hash,
      'created_at', created_at, 'updated_at', updated_at, 'body_text', body_text, 'body_html', body_html)
      FROM (SELECT ${articleSummaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.id = ?)`)
    .pluck();
  const authorJson = sqlite
    .prepare("SELECT json_object('id', id, 'slug', slug, 'name', name, 'bio', bio) FROM authors WHERE id = ?")
    .pluck();
  const tagJson = sqlite
    .prepare(
      "SELECT json_object('id', id, 'slug', slug, 'name', name, 'description', description) FROM tags WHERE id = ?",
    )
    .pluck();

  function append(type: ChangeType, resourceId: number, json: unknown, now: string): void {
    if (typeof json !== 'string')
      throw new Error(`No ${type.split('.')[0]} ${resourceId} to record ${type} for`);
    insert.run(type, resourceId, json, now);
  }

  return {
    article(type: 'article.created' | 'article.updated', id: number, now: string): void {
      append(type, id, articleJson.get(id), now);
    },
    author(type: 'author.created' | 'author.updated', id: number, now: string): void {
      append(type, id, authorJson.get(id), now);
    },
    tag(type: 'tag.created' | 'tag.updated', id: number, now: string): void {
      append(type, id, tagJson.get(id), now);
    },
    /** A deletion: the id and slug the resource had, and when it went. */
    deleted(type: 'article.deleted' | 'author.deleted' | 'tag.deleted', gone: DeletionSnapshot): void {
      append(type, gone.id, JSON.stringify(gone), gone.deleted_at);
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
