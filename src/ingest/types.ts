import type { ParseFields, ParseWarning } from './report.js';

/** What the parser is given: the raw bytes (or text) of one scraped article. */
export interface RawArticle {
  body: Uint8Array | string;
  /** `text/plain` or `text/html`; a `charset=` parameter, when present, is honoured. */
  contentType: string;
  sourceUrl?: string | null;
  /**
   * Lines seen in many articles of the same source (see `findRecurringLines` in recurring.ts);
   * blocks equal to one of them, ignoring case and punctuation, are dropped as `recurring`.
   */
  recurringLines?: readonly string[];
}

export interface ParsedAuthor {
  name: string;
  bio: string | null;
}

export interface ParsedImage {
  caption: string;
  credit: string | null;
  /** ISO 8601 date (YYYY-MM-DD) when the caption carried an unambiguous one. */
  date: string | null;
}

export interface ParsedTag {
  name: string;
  /** True when Gazette derived the tag (entities, keyphrases) rather than the source naming it. */
  derived: boolean;
}

export interface RemovedBlock {
  kind:
    | 'appeal'
    | 'share'
    | 'related'
    | 'cookie'
    | 'navigation'
    | 'tags-residue'
    | 'newsletter'
    | 'advert'
    | 'comments'
    | 'copyright'
    | 'recurring'
    | 'other';
  text: string;
}

export interface ParsedArticle {
  title: string;
  subtitle: string | null;
  excerpt: string;
  /** Body paragraphs in order; `bodyText` is these joined by a blank line. */
  paragraphs: string[];
  bodyText: string;
  /** Sanitized HTML generated from the parsed structure. */
  bodyHtml: string;
  images: ParsedImage[];
  authors: ParsedAuthor[];
  /** Explicit tags first, then derived ones; no empty names, no duplicates by slug. */
  tags: ParsedTag[];
  /** Editorial references such as "[See … report, …]", kept out of the body. */
  references: string[];
  language: string | null;
  wordCount: number;
  readingTimeMinutes: number;
  /** ISO 8601 UTC timestamp, or null when the raw article does not say. Never invented. */
  publishedAt: string | null;
  slug: string;
  /** 64-bit simhash of the body as 16 lowercase hex digits. */
  simhash: string;
  /** sha256 (hex) of the normalised title and body, for exact-duplicate detection. */
  contentHash: string;
}

export type ParseOutcome =
  | {
      ok: true;
      article: ParsedArticle;
      warnings: ParseWarning[];
      /** For each extracted field, the rule that produced it, e.g. `{ title: "plain:first-block" }`. */
      fields: ParseFields;
      removed: RemovedBlock[];
    }
  | {
      ok: false;
      /** `binary` maps to 415; `empty` and `not-an-article` to 422. */
      reason: 'empty' | 'binary' | 'not-an-article';
      detail: string;
    };
