import type { Tag } from '../../domain/collections.js';
import type { TagsRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import type { Db } from './connection.js';
import { createNamedRepository } from './named-repository.js';
import type { StoredRow } from './rows.js';
import type { tagSlugs, tags } from './schema.js';

export function createTagsRepository(db: Db): TagsRepository {
  const named = createNamedRepository<Tag>(db, {
    table: 'tags',
    extraColumns: ', x.description',
    linkTable: 'article_tags',
    linkColumn: 'tag_id',
  });
  // Another slug of a tag (one merged into it, or its new name's) finds the tag.
  const mergedInto = db.$client
    .prepare<[string], StoredRow<typeof tagSlugs>['tag_id']>('SELECT tag_id FROM tag_slugs WHERE slug = ?')
    .pluck();
  const currentSlugs = db.$client
    .prepare<
      [string],
      StoredRow<typeof tags>['slug']
    >(`SELECT coalesce((SELECT slug FROM tags WHERE slug = v.value),
      (SELECT t.slug FROM tag_slugs s JOIN tags t ON t.id = s.tag_id WHERE s.slug = v.value), v.value)
      FROM json_each(?) v ORDER BY v.key`)
    .pluck();
  return {
    listTags: named.list,
    async currentTagSlugs(slugs: string[]): Promise<string[]> {
      return currentSlugs.all(JSON.stringify(slugs));
    },
    async findTag(idOrSlug: string): Promise<Tag | undefined> {
      const tag = await named.find(idOrSlug);
      if (tag !== undefined || isNumericId(idOrSlug)) return tag;
      const id = mergedInto.get(idOrSlug);
      return id === undefined ? undefined : named.find(String(id));
    },
  };
}
