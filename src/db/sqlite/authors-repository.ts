import type { Author } from '../../domain/collections.js';
import type { AuthorsRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';
import { createNamedRepository } from './named-repository.js';

export function createAuthorsRepository(db: Db): AuthorsRepository {
  const named = createNamedRepository<Author>(db, {
    table: 'authors',
    extraColumns: ', x.bio',
    linkTable: 'article_authors',
    linkColumn: 'author_id',
    nameKeyColumn: 'name_key',
  });
  return { listAuthors: named.list, findAuthor: named.find };
}
