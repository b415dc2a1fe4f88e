/**
 * The values some stored columns may hold, apart from the zod schemas built on them: the database
 * schema needs the lists, and the read workers that load it would otherwise load zod too (about
 * 10 MB of memory a worker).
 */

/** The kinds of event in the change feed (see changes.ts). */
export const changeTypes = [
  'article.created',
  'article.updated',
  'article.deleted',
  'author.created',
  'author.updated',
  'author.deleted',
  'tag.created',
  'tag.updated',
  'tag.deleted',
] as const;

/** A webhook subscription delivers while active; repeated failures disable it (see webhooks.ts). */
export const webhookStatuses = ['active', 'disabled'] as const;
