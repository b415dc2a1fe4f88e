import { z } from 'zod';
import type { PageInfo } from './page.js';
import { relatedScoring } from './related.js';

/**
 * An article and its parts as clients see them (SPEC §2): snake_case, ISO 8601 UTC timestamps.
 * The HTTP layer names these schemas and adds examples for the OpenAPI document.
 */

const timestamp = z.iso.datetime();

export const AuthorSummary = z.object({ id: z.number().int(), slug: z.string(), name: z.string() });
export type AuthorSummary = z.infer<typeof AuthorSummary>;

export const TagSummary = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  derived: z
    .boolean()
    .describe('True when Gazette derived the tag from the text rather than the source naming it.'),
});
export type TagSummary = z.infer<typeof TagSummary>;

export const Image = z.object({
  caption: z.string(),
  credit: z.string().nullable(),
  date: z.iso.date().nullable().describe('The date the caption carried, when it was unambiguous.'),
});
export type Image = z.infer<typeof Image>;

export const ArticleSummary = z.object({
  id: z.number().int(),
  slug: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  excerpt: z.string(),
  images: z.array(Image),
  authors: z.array(AuthorSummary).describe('In byline order.'),
  tags: z.array(TagSummary).describe('Tags the source named first, then derived ones.'),
  language: z.string().nullable().describe('ISO 639-1 code, when detected.'),
  word_count: z.number().int(),
  reading_time_minutes: z.number().int(),
  published_at: timestamp.nullable().describe('Null when the source does not say; Gazette never guesses.'),
  source_url: z.string().nullable(),
  content_hash: z.string().describe('sha256 of the normalised title and body.'),
  created_at: timestamp,
  updated_at: timestamp,
});
export type ArticleSummary = z.infer<typeof ArticleSummary>;

export const Article = ArticleSummary.extend({ body_text: z.string(), body_html: z.string() });
export type Article = z.infer<typeof Article>;

/** An article as the API serves it by default: the body once, as HTML; `body_text` when asked for. */
export const ArticleView = Article.extend({ body_text: z.string().optional() });
export type ArticleView = z.infer<typeof ArticleView>;

/** A list item: a summary, with the body when asked for and a highlighted snippet when searching. */
export const ArticleListItem = ArticleSummary.extend({
  body_text: z.string().optional(),
  body_html: z.string().optional(),
  snippet: z.string().optional(),
});
export type ArticleListItem = z.infer<typeof ArticleListItem>;

export const ArticleSort = z.enum(['-published_at', 'published_at', 'relevance']);
export type ArticleSort = z.infer<typeof ArticleSort>;

/** What a list of articles can be counted by, besides paged. */
export const FacetName = z.enum(['tag', 'author', 'month']);
export type FacetName = z.infer<typeof FacetName>;

export const FacetCount = z.object({
  value: z.string().describe('The slug, or the month as YYYY-MM; usable as a filter value.'),
  name: z.string(),
  count: z.number().int(),
});
export type FacetCount = z.infer<typeof FacetCount>;

export interface ArticlePage {
  data: ArticleListItem[];
  page: PageInfo;
  facets?: Partial<Record<FacetName, FacetCount[]>>;
}

export interface ArticleListQuery {
  limit: number;
  cursor?: string | undefined;
  sort: ArticleSort;
  /** A full-text query already translated by the search module. */
  match?: string | undefined;
  withBodies?: boolean | undefined;
  facets?: FacetName[] | undefined;
  tags?: string[] | undefined;
  authors?: string[] | undefined;
  language?: string | undefined;
  publishedAfter?: string | undefined;
  publishedBefore?: string | undefined;
  includeTotal: boolean;
}

/** An article sharing tags or authors with another, and why it matched. */
export const RelatedArticle = ArticleSummary.extend({
  related: z
    .object({
      score: z.number().int().describe(`How strongly it matched. ${relatedScoring}`),
      shared_tags: z.array(z.string()).describe('Slugs of the tags both articles carry.'),
      shared_authors: z.array(z.string()).describe('Slugs of the authors both articles have.'),
    })
    .describe('Why this article is related.'),
});
export type RelatedArticle = z.infer<typeof RelatedArticle>;

/** What an ingest stores: an article before it has an id, with the keys that identify its people. */
export interface ArticleDraft {
  slug: string;
  title: string;
  subtitle: string | null;
  excerpt: string;
  bodyText: string;
  bodyHtml: string;
  images: Image[];
  language: string | null;
  wordCount: number;
  readingTimeMinutes: number;
  publishedAt: string | null;
  sourceUrl: string | null;
  contentHash: string;
  simhash: string;
  /** In byline order; `key` is the folded name that identifies the person. */
  authors: { name: string; key: string; slug: string; bio: string | null }[];
  tags: { name: string; slug: string; derived: boolean }[];
}

/** What is left of a deleted article: enough to answer 410 Gone for its id and slug. */
export interface DeletedArticle {
  id: number;
  slug: string;
  deleted_at: string;
}
