import type Database from 'better-sqlite3';
import type { NamedVersion } from '../../domain/edits.js';
import { slugify } from '../../ingest/slug.js';
import { Conflict } from '../../lib/errors.js';
import { nameKey } from '../../lib/names.js';
import { nextVersion } from '../versions.js';
import { createEventLog, type EventLog } from './events.js';
import type { StoredRow } from './rows.js';
import type { authors } from './schema.js';
import { writeGateOf } from './writes.js';

/**
 * Queues the articles carrying a renamed author or tag for the name refresher below, with the time of
 * the rename. Their cards (what they serve) follow at once, by trigger; each then gets a new version,
 * an `article.updated` event and its full-text names in a later, short transaction. Runs inside the
 * caller's transaction.
 */
export function createRenamedLinks(sqlite: Database.Database) {
  const queue = (link: 'article_authors' | 'article_tags', column: 'author_id' | 'tag_id') =>
    sqlite.prepare<[string, number]>(`INSERT INTO article_name_refresh (article_id, renamed_at)
      SELECT article_id, ? FROM ${link} WHERE ${column} = ? ORDER BY article_id
      ON CONFLICT (article_id) DO UPDATE SET renamed_at = excluded.renamed_at`);
  const byKind = { author: queue('article_authors', 'author_id'), tag: queue('article_tags', 'tag_id') };
  return {
    /** Queues every article linked to author or tag `id` now (before links move, for a merge). */
    queue(kind: 'author' | 'tag', id: number, now: string): void {
      byKind[kind].run(now, id);
    },
  };
}

/** Articles refreshed in one transaction: some tens of milliseconds of the event loop for 2 KB articles. */
const refreshBatch = 32;

export interface NameRefresher {
  /**
   * Gives every queued article its new version, its event and its names columns (and so its
   * full-text index entry), a batch per transaction with the event loop free in between; resolves
   * when the queue is empty. Never rejects: the queue is kept in the database, so what fails here
   * (the write lock held elsewhere for long, a closing connection) is done by the next drain, and
   * the rename that queued it is committed whatever happens.
   */
  drain(): Promise<void>;
}

const refreshers = new WeakMap<Database.Database, NameRefresher>();

/** The one name refresher of a connection, so that concurrent renames share a single pass. */
export function nameRefresherOf(sqlite: Database.Database): NameRefresher {
  let refresher = refreshers.get(sqlite);
  if (!refresher) {
    refresher = createNameRefresher(sqlite);
    refreshers.set(sqlite, refresher);
  }
  return refresher;
}

/** SQL for the names columns as the links make them now, of the article whose id is `articleId`. */
export function currentNames(articleId: string) {
  const names = (table: 'authors' | 'tags', link: string, column: string) =>
    `coalesce((SELECT group_concat(name, ' ') FROM (SELECT x.name FROM ${link} l JOIN ${table} x
      ON x.id = l.${column} WHERE l.article_id = ${articleId} ORDER BY l.position)), '')`;
  return {
    authorNames: names('authors', 'article_authors', 'author_id'),
    tagNames: names('tags', 'article_tags', 'tag_id'),
  };
}

function createNameRefresher(sqlite: Database.Database): NameRefresher {
  const gate = writeGateOf(sqlite);
  const { authorNames, tagNames } = currentNames('articles.id');
  const events = createEventLog(sqlite);
  // CROSS JOIN keeps the queue outermost: the planner, knowing nothing of the queue, would scan articles.
  const next = sqlite.prepare<[number], { id: number; updated_at: string; renamed_at: string }>(
    `SELECT a.id, a.updated_at, r.renamed_at FROM article_name_refresh r CROSS JOIN articles a
    ON a.id = r.article_id ORDER BY r.article_id LIMIT ?`,
  );
  const refresh = sqlite.prepare(`UPDATE articles SET author_names = ${authorNames},
    tag_names = ${tagNames}, updated_at = @version WHERE id = @id`);
  const done = sqlite.prepare('DELETE FROM article_name_refresh WHERE article_id = ?');
  const pending = sqlite.prepare('SELECT 1 FROM article_name_refresh LIMIT 1').pluck();
  const batch = sqlite.transaction(() => {
    const rows = next.all(refreshBatch);
    for (const { id, updated_at, renamed_at } of rows) {
      const version = nextVersion(renamed_at, updated_at);
      refresh.run({ id, version });
      done.run(id);
      events.article('article.updated', id, version);
    }
    return rows.length;
  });
  let running: Promise<void> | undefined;

  async function run() {
    try {
      while (sqlite.open && (await gate.write(() => batch.immediate())) === refreshBatch)
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
      running = undefined;
    }
  }
  return {
    async drain() {
      try {
        // A pass ending just as this caller queued its articles may have missed them: go again.
        while (sqlite.open && pending.get() !== undefined) {
          running ??= run();
          await running;
        }
      } catch {
        // Left queued for the next drain (see the interface).
      }
    },
  };
}

/** Renaming authors and tags and changing their bio or description, one transaction each. */
export function createCollectionEditing(sqlite: Database.Database, events: EventLog) {
  const gate = writeGateOf(sqlite);
  const renamed = createRenamedLinks(sqlite);
  const refresher = nameRefresherOf(sqlite);
  const sameAuthor = sqlite
    .prepare<[string, number], StoredRow<typeof authors>['id']>(
      'SELECT id FROM authors WHERE name_key = ? AND id <> ?',
    )
    .pluck();
  const updateAuthor = sqlite.prepare(`UPDATE authors SET name = @name, name_key = @key, bio = @detail,
    updated_at = @now WHERE id = @id AND name = @expectedName AND bio IS @expectedDetail`);
  // The slug of a tag's new name finds it too, so a later ingest naming it so links this tag.
  const aliasTag = sqlite.prepare(`INSERT OR IGNORE INTO tag_slugs (slug, tag_id) SELECT @slug, @id
    WHERE NOT EXISTS (SELECT 1 FROM tags WHERE slug = @slug)`);
  const updateTag = sqlite.prepare(`UPDATE tags SET name = @name, description = @detail, updated_at = @now
    WHERE id = @id AND name = @expectedName AND description IS @expectedDetail`);

  const author = sqlite.transaction((id: number, expected: NamedVersion, next: NamedVersion, now: string) => {
    const key = nameKey(next.name);
    const other = sameAuthor.get(key, id);
    if (other !== undefined) {
      throw new Conflict(`Author ${other} already has the name "${next.name}" (ignoring case and accents).`);
    }
    const params = { id, ...next, key, now, expectedName: expected.name, expectedDetail: expected.detail };
    if (updateAuthor.run(params).changes === 0) return false;
    events.author('author.updated', id, now);
    if (next.name !== expected.name) renamed.queue('author', id, now);
    return true;
  });

  const tag = sqlite.transaction((id: number, expected: NamedVersion, next: NamedVersion, now: string) => {
    const params = { id, ...next, now, expectedName: expected.name, expectedDetail: expected.detail };
    if (updateTag.run(params).changes === 0) return false;
    events.tag('tag.updated', id, now);
    if (next.name !== expected.name) {
      aliasTag.run({ slug: slugify(next.name, 'tag'), id });
      renamed.queue('tag', id, now);
    }
    return true;
  });

  // Answered once the renamed articles are refreshed too, so a search right after finds the new name.
  const finish = async (updated: boolean) => {
    if (updated) await refresher.drain();
    return updated;
  };
  return {
    async updateAuthor(id: number, expected: NamedVersion, next: NamedVersion, now: string) {
      return finish(await gate.write(() => author.immediate(id, expected, next, now)));
    },
    async updateTag(id: number, expected: NamedVersion, next: NamedVersion, now: string) {
      return finish(await gate.write(() => tag.immediate(id, expected, next, now)));
    },
  };
}
