import type { ArticleDraft } from '../domain/article.js';
import { storableDraft } from '../domain/storable.js';
import { findRecurringLines } from '../ingest/recurring.js';
import { slugify } from '../ingest/slug.js';
import type { ParsedArticle, ParseOutcome, RawArticle, RemovedBlock } from '../ingest/types.js';
import { asBuffer } from '../lib/bytes.js';
import { Unprocessable, UnsupportedMediaType } from '../lib/errors.js';
import { nameKey } from '../lib/names.js';
import { withSnakeCaseKeys } from '../lib/snake-case.js';

type AuthorInput = string | { name: string; bio?: string | null | undefined };

/** What a client may state about an article; each field given overrides what the parser finds. */
export interface IngestOverrides {
  source_url?: string | null | undefined;
  published_at?: string | null | undefined;
  tags?: string[] | undefined;
  authors?: AuthorInput[] | undefined;
}

export interface IngestRequest {
  raw: Uint8Array | string;
  /** `text/plain` or `text/html`, with an optional charset parameter. */
  contentType: string;
  overrides: IngestOverrides;
  idempotencyKey?: string | null | undefined;
  /** Who sent `idempotencyKey` (`Caller.id`): another caller's key of the same name is another key. */
  idempotencyCaller?: string | null | undefined;
}

export interface IngestPreview {
  draft: ArticleDraft;
  warnings: string[];
  /** What the ingest record keeps: the rule behind each field, removed boilerplate, references. */
  report: { fields: Record<string, string>; removed: RemovedBlock[]; references: string[] };
}

function authorsFrom(parsed: ParsedArticle, overrides: IngestOverrides): ArticleDraft['authors'] {
  const given = overrides.authors?.map((author) =>
    typeof author === 'string' ? { name: author, bio: null } : author,
  );
  const authors = given ?? parsed.authors;
  const seen = new Set<string>();
  const result: ArticleDraft['authors'] = [];
  for (const author of authors) {
    const name = author.name.trim();
    const key = nameKey(name);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    result.push({ name, key, slug: slugify(name, 'author'), bio: author.bio?.trim() || null });
  }
  return result;
}

function tagsFrom(parsed: ParsedArticle, overrides: IngestOverrides): ArticleDraft['tags'] {
  const explicit = overrides.tags
    ? overrides.tags.map((name) => ({ name, derived: false }))
    : parsed.tags.filter((tag) => !tag.derived);
  const derived = parsed.tags.filter((tag) => tag.derived);
  const seen = new Set<string>();
  const result: ArticleDraft['tags'] = [];
  for (const tag of [...explicit, ...derived]) {
    const name = tag.name.trim();
    const slug = slugify(name, 'tag');
    if (!name || seen.has(slug)) continue;
    seen.add(slug);
    result.push({ name, slug, derived: tag.derived });
  }
  return result;
}

/** What the parser is given for one request. */
export function rawArticleOf(
  request: Omit<IngestRequest, 'idempotencyKey'>,
  recurringLines?: readonly string[],
): RawArticle {
  return {
    body: request.raw,
    contentType: request.contentType,
    sourceUrl: request.overrides.source_url ?? null,
    recurringLines,
  };
}

/** Applies the client's explicit fields to a parse outcome; refuses what is not an article. */
export function draftFromOutcome(
  request: Omit<IngestRequest, 'idempotencyKey'>,
  outcome: ParseOutcome,
): IngestPreview {
  const { overrides } = request;
  if (!outcome.ok) {
    if (outcome.reason === 'binary') throw new UnsupportedMediaType(outcome.detail);
    throw new Unprocessable(outcome.detail);
  }
  const parsed = outcome.article;
  // The parser names fields as the code does; reports name them as the API does.
  const fields = withSnakeCaseKeys(outcome.fields);
  for (const field of ['authors', 'tags', 'published_at', 'source_url'] as const) {
    if (overrides[field] !== undefined) fields[field] = 'request';
  }
  // Authors the client names answer the parser's "no author" warning.
  const authorsGiven = (overrides.authors?.length ?? 0) > 0;
  const warnings = outcome.warnings
    .filter((warning) => !(authorsGiven && warning.code === 'no-author'))
    .map((warning) => warning.message);
  const {
    paragraphs: _paragraphs,
    references: _references,
    authors: _authors,
    tags: _tags,
    ...columns
  } = parsed;
  const draft: ArticleDraft = {
    ...columns,
    // The storage rules below normalise a stated date to UTC, or refuse it.
    publishedAt: overrides.published_at === undefined ? parsed.publishedAt : overrides.published_at || null,
    sourceUrl: overrides.source_url ?? null,
    authors: authorsFrom(parsed, overrides),
    tags: tagsFrom(parsed, overrides),
  };
  const checked = storableDraft(draft, warnings, { statedPublishedAt: Boolean(overrides.published_at) });
  return {
    draft: checked.draft,
    warnings: checked.warnings,
    report: { fields, removed: outcome.removed, references: parsed.references },
  };
}

/**
 * For a batch: the lines that recur across the plain-text articles of one source (same host), which
 * the parser then drops as boilerplate even when no other rule knows them — a site's slogan, its
 * standard appeal. Articles with no source URL, or from a host with fewer than three in the batch,
 * get none.
 */
export function recurringLinesBySource(
  requests: readonly IngestRequest[],
): (readonly string[] | undefined)[] {
  const byHost = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const host = hostOf(request.overrides.source_url);
    if (!host || !request.contentType.startsWith('text/plain')) return;
    byHost.set(host, [...(byHost.get(host) ?? []), index]);
  });
  const result: (readonly string[] | undefined)[] = new Array(requests.length).fill(undefined);
  for (const indexes of byHost.values()) {
    if (indexes.length < 3) continue;
    const texts = indexes.map((index) => textOf(requests[index]!.raw));
    const lines = findRecurringLines(texts);
    if (lines.length > 0) for (const index of indexes) result[index] = lines;
  }
  return result;
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** Good enough to compare lines across articles; the parser does the careful decoding. */
function textOf(raw: Uint8Array | string): string {
  return typeof raw === 'string' ? raw : asBuffer(raw).toString('utf8');
}
