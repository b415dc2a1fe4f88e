import type Database from 'better-sqlite3';
import type { NamedVersion } from '../../domain/edits.js';
import { slugify } from '../../ingest/slug.js';
import { Conflict } from '../../lib/errors.js';
import { nameKey } from '../../lib/names.js';
import { nextVersion } from '../versions.js';
import type { EventLog } from './events.js';
import type { StoredRow } from './rows.js';
import type { articles, authors } from './schema.js';
import { writeGateOf } from './writes.js';

/** An article and the version a refresh replaces. */
type ArticleVersion = Pick<StoredRow<typeof articles>, 'id' | 'updated_at'>;

/**
 * The articles carrying a renamed author or tag: their names column (which the full-text index
 * reads) is rebuilt and each gets a new version and an `article.updated` event, since the article
 * as served embeds the name. Runs inside the caller's transaction.
 */
export function createRenamedLinks(sqlite: Database.Database, events: EventLog) {
  const statements = (
    table: 'authors' | 'tags',
    link: 'article_authors' | 'article_tags',
    column: string,
  ) => ({
    articles: sqlite.prepare<
      [number],
      ArticleVersion
    >(`SELECT a.id, a.updated_at FROM ${link} l JOIN articles a ON a.id = l.article_id
      WHERE l.${column} = ? ORDER BY a.id`),
    rename: sqlite.prepare(`UPDATE articles SET ${table === 'authors' ? 'author_names' : 'tag_names'} =
      coalesce((SELECT group_concat(name, ' ') FROM (SELECT x.name FROM ${link} l JOIN ${table} x
        ON x.id = l.${column} WHERE l.article_id = @id ORDER BY l.position)), ''), updated_at = @version
      WHERE id = @id`),
  });
  const byKind = {
    author: statements('authors', 'article_authors', 'author_id'),
    tag: statements('tags', 'article_tags', 'tag_id'),
  };
  const refreshArticle = (kind: 'author' | 'tag', id: number, updatedAt: string, now: string) => {
    const version = nextVersion(now, updatedAt);
    byKind[kind].rename.run({ id, version });
    events.article('article.updated', id, version);
  };
  return {
    /** Refreshes every article linked to author or tag `id`. */
    refresh(kind: 'author' | 'tag', id: number, now: string): void {
      for (const row of byKind[kind].articles.all(id)) {
        refreshArticle(kind, row.id, row.updated_at, now);
      }
    },
    /** The articles linked to tag `id` now, to refresh after their links change. */
    tagged(id: number): ArticleVersion[] {
      return byKind.tag.articles.all(id);
    },
    refreshTagged(articles: ArticleVersion[], now: string): void {
      for (const row of articles) refreshArticle('tag', row.id, row.updated_at, now);
    },
  };
}

/** Renaming authors and tags and changing their bio or description, one transaction each. */
export function createCollectionEditing(sqlite: Database.Database, events: EventLog) {
  const gate = writeGateOf(sqlite);
  const renamed = createRenamedLinks(sqlite, events);
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
    if (next.name !== expected.name) renamed.refresh('author', id, now);
    return true;
  });

  const tag = sqlite.transaction((id: number, expected: NamedVersion, next: NamedVersion, now: string) => {
    const params = { id, ...next, now, expectedName: expected.name, expectedDetail: expected.detail };
    if (updateTag.run(params).changes === 0) return false;
    events.tag('tag.updated', id, now);
    if (next.name !== expected.name) {
      aliasTag.run({ slug: slugify(next.name, 'tag'), id });
      renamed.refresh('tag', id, now);
    }
    return true;
  });

  return {
    async updateAuthor(id: number, expected: NamedVersion, next: NamedVersion, now: string) {
      return gate.write(() => author.immediate(id, expected, next, now));
    },
    async updateTag(id: number, expected: NamedVersion, next: NamedVersion, now: string) {
      return gate.write(() => tag.immediate(id, expected, next, now));
    },
  };
}
