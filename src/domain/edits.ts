import { z } from 'zod';
import type { Article } from './article.js';

/**
 * What a client may change, each as a JSON merge patch (RFC 7396): a member present replaces the
 * stored value, `null` clears it where that makes sense, and a member left out keeps it.
 */

const line = (max: number) => z.string().trim().min(1).max(max);

/** An image caption as a patch gives it (the served `Image`, without being a named component twice). */
const ImageCaption = z.strictObject({
  caption: line(2000),
  credit: line(200).nullable(),
  date: z.iso.date().max(10).nullable().describe('The date the caption carries, if any.'),
});

export const ArticlePatch = z
  .strictObject({
    title: line(500)
      .optional()
      .describe('A new title; the article gets a new slug and its old one keeps working.'),
    subtitle: line(1000).nullable().optional().describe('`null` removes the subtitle.'),
    excerpt: line(2000)
      .nullable()
      .optional()
      .describe(
        '`null` derives it from the body again, as on ingest. A new body re-derives it unless set here.',
      ),
    body_text: z
      .string()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('A new body as plain text, paragraphs separated by a blank line.'),
    body_html: z
      .string()
      .min(1)
      .max(2_000_000)
      .optional()
      .describe(
        'A new body as HTML; it is reduced to paragraphs and headings and sanitized as on ingest. Send `body_text` or `body_html`, not both.',
      ),
    tags: z
      .array(line(100))
      .max(50)
      .nullable()
      .optional()
      .describe(
        'The whole list of tags, by name or slug; `null` or `[]` removes them all. Tags given that the article ' +
          'already carries as derived stay derived; the others are explicit and come first. A derived tag left out is removed.',
      ),
    authors: z
      .array(line(200))
      .max(20)
      .nullable()
      .optional()
      .describe('The whole byline in order, by name or slug; `null` or `[]` removes every author.'),
    published_at: z.iso
      .datetime({ offset: true })
      .max(40)
      .nullable()
      .optional()
      .describe('ISO 8601 date-time; `null` when the date is unknown.'),
    language: z
      .string()
      .max(2)
      .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as en')
      .nullable()
      .optional()
      .describe('ISO 639-1 code, or `null`.'),
    images: z
      .array(ImageCaption)
      .max(100)
      .nullable()
      .optional()
      .describe('The whole list of image captions.'),
  })
  .refine((patch) => patch.body_text === undefined || patch.body_html === undefined, {
    message: 'send body_text or body_html, not both',
    path: ['body_html'],
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'the patch changes nothing; name a field' });
export type ArticlePatch = z.infer<typeof ArticlePatch>;

export const AuthorPatch = z
  .strictObject({
    name: line(200).optional().describe('The name as bylines show it; the slug stays.'),
    bio: line(2000).nullable().optional().describe('`null` removes the bio.'),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'the patch changes nothing; name a field' });
export type AuthorPatch = z.infer<typeof AuthorPatch>;

export const TagPatch = z
  .strictObject({
    name: line(100).optional().describe('The tag as articles show it; the slug stays.'),
    description: line(2000).nullable().optional().describe('`null` removes the description.'),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'the patch changes nothing; name a field' });
export type TagPatch = z.infer<typeof TagPatch>;

export const TagMerge = z.strictObject({
  into: z
    .string()
    .min(1)
    .max(200)
    .describe('The id or slug of the tag that stays; the tag in the path is folded into it and removed.'),
});
export type TagMerge = z.infer<typeof TagMerge>;

/** An article as an edit starts from: both bodies, and the simhash kept when the body stays. */
export type EditableArticle = Article & { simhash: string };

/** What an author or tag edit checks is still stored before it writes: the values it was made on. */
export interface NamedVersion {
  name: string;
  detail: string | null;
}
