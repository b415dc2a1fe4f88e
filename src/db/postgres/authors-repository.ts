import { count, type SQL, sql } from 'drizzle-orm';
import type { AuthorsRepository } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { createNamedReads } from './named-repository.js';
import { authors } from './schema.js';

export function createPostgresAuthorsRepository(db: PostgresDb): AuthorsRepository {
  const articleCount = sql<number>`(SELECT count(*)::int FROM article_authors l WHERE l.author_id = authors.id)`;
  const columns = {
    id: authors.id,
    slug: authors.slug,
    name: authors.name,
    bio: authors.bio,
    article_count: articleCount,
  };
  const named = createNamedReads({
    id: authors.id,
    name: authors.name,
    nameKey: authors.nameKey,
    articleCount,
    select: (where: SQL | undefined, order: SQL[], limit: number) =>
      db
        .select(columns)
        .from(authors)
        .where(where)
        .orderBy(...order)
        .limit(limit),
    count: (where: SQL | undefined) => db.select({ n: count() }).from(authors).where(where),
  });
  return {
    listAuthors: named.list,
    findAuthor: (idOrSlug) => named.find(idOrSlug, authors.slug),
  };
}
