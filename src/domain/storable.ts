import { Unprocessable } from '../lib/errors.js';
import type { ArticleDraft } from './article.js';

/**
 * The rules every stored value keeps, whatever the parser found or a client sent, so that no stored
 * row can ever fail the response schemas (ISO timestamps with four-digit years, ISO 639-1 codes,
 * bounded text). A value that breaks a rule is dropped or cut with a warning; only a value the client
 * stated explicitly is refused (422), since dropping it silently would lose what they asked for.
 */
const storageLimits = {
  title: 500,
  subtitle: 1000,
  excerpt: 2000,
  caption: 2000,
  credit: 200,
  authorName: 200,
  bio: 2000,
  tagName: 100,
  authors: 20,
  tags: 50,
  sourceUrl: 2048,
} as const;

/** A publication date more than this far ahead of the ingest's clock is a scraping error, not an embargo. */
const futureToleranceMs = 24 * 60 * 60 * 1000;

// C0 controls other than tab, newline and return, DEL, and lone UTF-16 surrogates: nothing a reader
// can see, and the last two are not valid in XML feeds or UTF-8.
const invisible =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text with the invisible characters removed. */
function cleanText(text: string): string {
  return text.replace(invisible, '');
}

/** One line of text: cleaned, whitespace runs (line breaks included) collapsed to one space. */
function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** `text` cut to at most `max` characters, at a word boundary when there is one near the end. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const boundary = head.lastIndexOf(' ');
  return `${(boundary > max * 0.8 ? head.slice(0, boundary) : head).trimEnd()}…`;
}

/**
 * A timestamp as stored and served (`YYYY-MM-DDTHH:MM:SS.sssZ`), or why it cannot be: outside years
 * 0001–9999 (which JSON Schema's date-time and RFC 3339 cannot write) or too far in the future.
 */
function storableTimestamp(value: string, now: number): { iso: string } | { reason: string } {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return { reason: 'is not a date' };
  const year = new Date(time).getUTCFullYear();
  if (year < 1 || year > 9999) return { reason: 'is outside the years 0001–9999' };
  if (time > now + futureToleranceMs) return { reason: 'is more than a day in the future' };
  return { iso: new Date(time).toISOString() };
}

/** A calendar date (`YYYY-MM-DD`) that exists, in years 0001–9999, not in the future. */
function storableDay(value: string, now: number): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const stamp = storableTimestamp(`${value}T00:00:00Z`, now);
  return 'iso' in stamp && stamp.iso.startsWith(value) ? value : null;
}

function storableUrl(value: string): boolean {
  if (value.length > storageLimits.sourceUrl) return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Notes on what the rules changed, as warnings for the ingest's report. */
type Notes = string[];

/** A line of text cleaned and cut to `max`, noting the cut. */
function storableLine(notes: Notes, field: string, value: string, max: number): string {
  const cleaned = cleanLine(value);
  if (cleaned.length > max) notes.push(`${field} longer than ${max} characters was cut`);
  return cut(cleaned, max);
}

/** The publication date as stored, or null; refused (422) instead of dropped when the client stated it. */
function storablePublishedAt(
  notes: Notes,
  publishedAt: string | null,
  now: number,
  stated: boolean | undefined,
): string | null {
  if (publishedAt === null) return null;
  const stamp = storableTimestamp(publishedAt, now);
  if ('iso' in stamp) return stamp.iso;
  if (stated) {
    throw new Unprocessable(`published_at ${stamp.reason}.`, [
      { path: 'body.published_at', message: stamp.reason },
    ]);
  }
  notes.push(`publication date ${JSON.stringify(publishedAt)} ${stamp.reason}; dropped`);
  return null;
}

function storableLanguage(notes: Notes, language: string | null): string | null {
  if (language === null || /^[a-z]{2}$/.test(language)) return language;
  notes.push(`language ${JSON.stringify(language)} is not an ISO 639-1 code; dropped`);
  return null;
}

function storableSourceUrl(notes: Notes, sourceUrl: string | null): string | null {
  if (sourceUrl === null || storableUrl(sourceUrl)) return sourceUrl;
  notes.push('source URL is not an http(s) URL of at most 2048 characters; dropped');
  return null;
}

function storableImages(notes: Notes, images: ArticleDraft['images'], now: number): ArticleDraft['images'] {
  return images.map((image) => {
    const date = image.date === null ? null : storableDay(image.date, now);
    if (image.date !== null && date === null) notes.push(`image date ${JSON.stringify(image.date)} dropped`);
    const credit =
      image.credit === null ? null : storableLine(notes, 'image credit', image.credit, storageLimits.credit);
    return {
      caption: storableLine(notes, 'image caption', image.caption, storageLimits.caption),
      credit: credit || null,
      date,
    };
  });
}

/**
 * The authors or tags whose cleaned name is neither empty nor too long, at most `limits.count` of
 * them, in their order.
 */
function storableNamed<T extends { name: string }>(
  notes: Notes,
  items: T[],
  kind: 'author' | 'tag',
  limits: { name: number; count: number },
): T[] {
  const kept: T[] = [];
  for (const item of items) {
    const name = cleanLine(item.name);
    if (name === '' || name.length > limits.name) {
      notes.push(`${kind} name of ${name.length} characters dropped`);
      continue;
    }
    if (kept.length === limits.count) {
      notes.push(`more than ${limits.count} ${kind}s; the rest dropped`);
      break;
    }
    kept.push({ ...item, name });
  }
  return kept;
}

function storableAuthors(notes: Notes, authors: ArticleDraft['authors']): ArticleDraft['authors'] {
  const limits = { name: storageLimits.authorName, count: storageLimits.authors };
  return storableNamed(notes, authors, 'author', limits).map((author) => {
    const bio = author.bio === null ? null : cleanText(author.bio).trim();
    return { ...author, bio: bio ? cut(bio, storageLimits.bio) : null };
  });
}

/**
 * Applies the storage rules to a draft. `stated` names the fields the client gave explicitly: a
 * publication date there that breaks a rule refuses the ingest instead of being dropped.
 */
export function storableDraft(
  draft: ArticleDraft,
  warnings: string[],
  options: { now?: number; statedPublishedAt?: boolean } = {},
): { draft: ArticleDraft; warnings: string[] } {
  const now = options.now ?? Date.now();
  const notes: Notes = [];
  const publishedAt = storablePublishedAt(notes, draft.publishedAt, now, options.statedPublishedAt);
  const language = storableLanguage(notes, draft.language);
  const sourceUrl = storableSourceUrl(notes, draft.sourceUrl);
  const images = storableImages(notes, draft.images, now);
  const authors = storableAuthors(notes, draft.authors);
  const tags = storableNamed(notes, draft.tags, 'tag', {
    name: storageLimits.tagName,
    count: storageLimits.tags,
  });
  const title = storableLine(notes, 'title', draft.title, storageLimits.title);
  if (title === '')
    throw new Unprocessable('The article has no title once invisible characters are removed.');
  const subtitle =
    draft.subtitle === null ? null : storableLine(notes, 'subtitle', draft.subtitle, storageLimits.subtitle);
  return {
    draft: {
      ...draft,
      title,
      subtitle: subtitle || null,
      excerpt: storableLine(notes, 'excerpt', draft.excerpt, storageLimits.excerpt),
      bodyText: cleanText(draft.bodyText),
      bodyHtml: cleanText(draft.bodyHtml),
      images,
      language,
      publishedAt,
      sourceUrl,
      authors,
      tags,
    },
    warnings: [...warnings, ...notes],
  };
}
