import { and, eq, sql } from 'drizzle-orm';
import type { NamedVersion } from '../../domain/edits.js';
import { createRenamedLinks } from './collection-editing.js';
import type { PostgresDb } from './connection.js';
import { createEventLog } from './events.js';
import { tagSlugs, tags } from './schema.js';
import { type Tx, writeTransaction } from './write-transaction.js';

/** Folds tag `from` into tag `into` as ../tag-merge.ts does, with the same events. */
async function merge(tx: Tx, from: number, expected: NamedVersion, into: number, now: string) {
  const [row] = await tx
    .select({ slug: tags.slug })
    .from(tags)
    .where(
      and(
        eq(tags.id, from),
        eq(tags.name, expected.name),
        sql`${tags.description} IS NOT DISTINCT FROM ${expected.detail}`,
      ),
    )
    .for('update');
  if (!row) return false;
  const events = createEventLog(tx);
  const renamed = createRenamedLinks(tx, events);
  const affected = await renamed.tagged(from);
  // An article carrying both tags keeps the surviving tag's link, made explicit if either was.
  await tx.execute(sql`UPDATE article_tags SET derived = false WHERE tag_id = ${into} AND derived
    AND article_id IN (SELECT article_id FROM article_tags WHERE tag_id = ${from} AND NOT derived)`);
  await tx.execute(sql`DELETE FROM article_tags WHERE tag_id = ${from}
    AND article_id IN (SELECT article_id FROM article_tags WHERE tag_id = ${into})`);
  await tx.execute(sql`UPDATE article_tags SET tag_id = ${into} WHERE tag_id = ${from}`);
  await tx.update(tagSlugs).set({ tagId: into }).where(eq(tagSlugs.tagId, from));
  await tx
    .insert(tagSlugs)
    .values({ slug: row.slug, tagId: into })
    .onConflictDoUpdate({ target: tagSlugs.slug, set: { tagId: into } });
  await tx.delete(tags).where(eq(tags.id, from));
  await tx.update(tags).set({ updatedAt: now }).where(eq(tags.id, into));
  await events.tag('tag.updated', into, now);
  await events.deleted('tag.deleted', { id: from, slug: row.slug, deleted_at: now });
  // After the tags' events, as on SQLite, where the articles' follow the merge's transaction.
  await renamed.refreshTagged(affected, now);
  return true;
}

export function createTagMerge(db: PostgresDb) {
  return {
    mergeTag: (fromId: number, expected: NamedVersion, intoId: number, now: string) =>
      writeTransaction(db, (tx) => merge(tx, fromId, expected, intoId, now)),
  };
}
