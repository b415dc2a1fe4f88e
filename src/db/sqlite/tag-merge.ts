import type Database from 'better-sqlite3';
import type { NamedVersion } from '../../domain/edits.js';
import { createRenamedLinks, nameRefresherOf } from './collection-editing.js';
import type { EventLog } from './events.js';
import { writeGateOf } from './writes.js';

/**
 * Folding one tag into another in one transaction: the articles move over (an article carrying
 * both keeps one link), slugs that named the folded tag name the other one from then on, and the
 * folded tag is removed, with the change-feed events of every article and tag involved.
 */
export function createTagMerge(sqlite: Database.Database, events: EventLog) {
  const gate = writeGateOf(sqlite);
  const renamed = createRenamedLinks(sqlite);
  const current = sqlite.prepare(
    'SELECT slug FROM tags WHERE id = @id AND name = @expectedName AND description IS @expectedDetail',
  );
  // An article carrying both tags keeps the surviving tag's link, made explicit if either was.
  const keepExplicit =
    sqlite.prepare(`UPDATE article_tags SET derived = 0 WHERE tag_id = @into AND derived = 1
    AND article_id IN (SELECT article_id FROM article_tags WHERE tag_id = @from AND derived = 0)`);
  const dropDoubles = sqlite.prepare(`DELETE FROM article_tags WHERE tag_id = @from
    AND article_id IN (SELECT article_id FROM article_tags WHERE tag_id = @into)`);
  const moveLinks = sqlite.prepare('UPDATE article_tags SET tag_id = @into WHERE tag_id = @from');
  const moveSlugs = sqlite.prepare('UPDATE tag_slugs SET tag_id = @into WHERE tag_id = @from');
  const rememberSlug = sqlite.prepare('INSERT OR REPLACE INTO tag_slugs (slug, tag_id) VALUES (?, ?)');
  const touch = sqlite.prepare('UPDATE tags SET updated_at = ? WHERE id = ?');
  const remove = sqlite.prepare('DELETE FROM tags WHERE id = ?');

  const merge = sqlite.transaction((from: number, expected: NamedVersion, into: number, now: string) => {
    const row = current.get({ id: from, expectedName: expected.name, expectedDetail: expected.detail }) as
      | { slug: string }
      | undefined;
    if (!row) return false;
    renamed.queue('tag', from, now);
    keepExplicit.run({ from, into });
    dropDoubles.run({ from, into });
    moveLinks.run({ from, into });
    moveSlugs.run({ from, into });
    rememberSlug.run(row.slug, into);
    remove.run(from);
    touch.run(now, into);
    events.tag('tag.updated', into, now);
    events.deleted('tag.deleted', { id: from, slug: row.slug, deleted_at: now });
    return true;
  });

  return {
    async mergeTag(fromId: number, expected: NamedVersion, intoId: number, now: string) {
      const merged = await gate.write(() => merge.immediate(fromId, expected, intoId, now));
      if (merged) await nameRefresherOf(sqlite).drain();
      return merged;
    },
  };
}
