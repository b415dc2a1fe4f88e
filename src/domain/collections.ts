import { z } from 'zod';

/** A person named in bylines, once however many articles name them. */
export const Author = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
  article_count: z.number().int(),
});
export type Author = z.infer<typeof Author>;

export const Tag = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable().describe('What the tag covers, when an editor has said.'),
  article_count: z.number().int(),
});
export type Tag = z.infer<typeof Tag>;

/** `name` is alphabetical; `-article_count` puts the most used first, ties by name. */
export const CollectionSort = z.enum(['name', '-article_count']);
export type CollectionSort = z.infer<typeof CollectionSort>;

export interface CollectionQuery {
  limit: number;
  cursor?: string | undefined;
  includeTotal: boolean;
  sort?: CollectionSort | undefined;
  /** Case- and accent-insensitive prefix of the name or of any word in it (authors only). */
  q?: string | undefined;
}

/** Of a stored bio and a newly ingested one, the one to keep: bios change as people change roles. */
export function bioToKeep(stored: string | null, ingested: string | null): string | null {
  return ingested || stored;
}
