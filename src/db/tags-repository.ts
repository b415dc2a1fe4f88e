import type { Tag } from '../services/model.js';
import type { Db } from './connection.js';
import { createNamedRepository } from './named-repository.js';

export function createTagsRepository(db: Db) {
  const named = createNamedRepository<Tag>(db, {
    table: 'tags',
    extraColumns: '',
    linkTable: 'article_tags',
    linkColumn: 'tag_id',
  });
  return { listTags: named.list, findTag: named.find };
}
