import type { AuthorsRepository, RelatedRepository, TagsRepository } from '../../domain/ports.js';
import { type ArticleReads, createPostgresArticleReads } from './articles-repository.js';
import { createPostgresAuthorsRepository } from './authors-repository.js';
import type { PostgresDb } from './connection.js';
import { createPostgresRelatedRepository } from './related-repository.js';
import { createPostgresTagsRepository } from './tags-repository.js';

export interface PostgresReadRepositories {
  articles: ArticleReads;
  authors: AuthorsRepository;
  tags: TagsRepository;
  related: RelatedRepository;
}

/** The PostgreSQL repositories that only read: articles (but deleting), authors, tags and related. */
export function createPostgresReadRepositories(
  db: PostgresDb,
  options: { searchSampleSize?: number | undefined } = {},
): PostgresReadRepositories {
  return {
    articles: createPostgresArticleReads(db, options),
    authors: createPostgresAuthorsRepository(db),
    tags: createPostgresTagsRepository(db),
    related: createPostgresRelatedRepository(db),
  };
}
