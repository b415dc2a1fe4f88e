import { z } from 'zod';
import { Article } from './article.js';
import { changeTypes } from './column-values.js';

/**
 * The change feed: every create, update and delete of an article, author or tag, in one strictly
 * increasing sequence. Each event is written in the same transaction as the change it describes,
 * and carries the resource as it was right after that change, so a consumer that applies the
 * events in order holds what the API serves.
 */
export const ChangeType = z.enum(changeTypes);
export type ChangeType = z.infer<typeof ChangeType>;

/** What an author or tag event carries: the resource without its article count, which is derived. */
export const AuthorSnapshot = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
});
export type AuthorSnapshot = z.infer<typeof AuthorSnapshot>;

export const TagSnapshot = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
});
export type TagSnapshot = z.infer<typeof TagSnapshot>;

/** What a deletion leaves: the id and slug that now answer 410 Gone, or that no longer resolve. */
export const DeletionSnapshot = z.object({
  id: z.number().int(),
  slug: z.string(),
  deleted_at: z.iso.datetime(),
});
export type DeletionSnapshot = z.infer<typeof DeletionSnapshot>;

export const ChangeEvent = z.object({
  id: z.number().int().describe('Position in the feed: strictly increasing, never reused.'),
  type: ChangeType,
  resource_id: z.number().int(),
  occurred_at: z.iso.datetime(),
  data: z
    .union([Article, AuthorSnapshot, TagSnapshot, DeletionSnapshot])
    .describe(
      'The resource right after the change: the article with both bodies, the author or tag without its article count, or for a deletion its id and slug.',
    ),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;
