import type { ArticlesRepository } from '../domain/ports.js';
import { type DomainError, Gone, NotFound } from '../lib/errors.js';

/** Why no article answers to `idOrSlug`: 410 when one was deleted (its tombstone stays), else 404. */
export async function missingArticle(articles: ArticlesRepository, idOrSlug: string): Promise<DomainError> {
  const deleted = await articles.findDeletedArticle(idOrSlug);
  if (!deleted) return new NotFound(`No article has the id or slug "${idOrSlug}".`);
  return new Gone(`Article ${deleted.id} ("${deleted.slug}") was deleted at ${deleted.deleted_at}.`);
}
