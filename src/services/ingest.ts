import { createHash } from 'node:crypto';
import type { Repositories } from '../db/index.js';
import type { ArticleDraft, IngestRecord, StoredIngest } from '../db/ingest-repository.js';
import { PARSER_VERSION, parseArticle } from '../ingest/parse.js';
import { slugify } from '../ingest/slug.js';
import type { ParsedArticle, RemovedBlock } from '../ingest/types.js';
import { Conflict, NotFound, Unprocessable, UnsupportedMediaType } from '../lib/errors.js';
import { nameKey } from '../lib/names.js';
import type { Article } from './model.js';

export type AuthorInput = string | { name: string; bio?: string | null | undefined };

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
}

export interface IngestReport {
  id: number;
  status: StoredIngest['status'];
  warnings: string[];
  fields: Record<string, string>;
  duplicate_of: number | null;
  parser_version: string;
}

export interface IngestResult {
  article: Article;
  ingest: IngestReport;
}

/** One article of a batch: what was stored, or why it was refused. */
export type BatchOutcome =
  | { status: 'created' | 'duplicate'; articleId: number; ingestId: number; warnings: string[] }
  | { error: unknown };

export interface IngestPreview {
  draft: ArticleDraft;
  warnings: string[];
  /** What the ingest record keeps: the rule behind each field, removed boilerplate, references. */
  report: { fields: Record<string, string>; removed: RemovedBlock[]; references: string[] };
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

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

/** Parses a raw article and applies the client's explicit fields; refuses what is not an article. */
export function draftArticle(request: Omit<IngestRequest, 'idempotencyKey'>): IngestPreview {
  const { overrides } = request;
  const outcome = parseArticle({
    body: request.raw,
    contentType: request.contentType,
    sourceUrl: overrides.source_url ?? null,
  });
  if (!outcome.ok) {
    if (outcome.reason === 'binary') throw new UnsupportedMediaType(outcome.detail);
    throw new Unprocessable(outcome.detail);
  }
  const parsed = outcome.article;
  const fields = { ...outcome.fields };
  const warnings = [...outcome.warnings];
  for (const field of ['authors', 'tags', 'published_at', 'source_url'] as const) {
    if (overrides[field] !== undefined) fields[field] = 'request';
  }
  if (overrides.authors !== undefined) {
    const index = warnings.indexOf('no author found');
    if (index >= 0 && overrides.authors.length > 0) warnings.splice(index, 1);
  }
  const {
    paragraphs: _paragraphs,
    references: _references,
    authors: _authors,
    tags: _tags,
    ...columns
  } = parsed;
  const draft: ArticleDraft = {
    ...columns,
    publishedAt:
      overrides.published_at === undefined
        ? parsed.publishedAt
        : overrides.published_at && new Date(overrides.published_at).toISOString(),
    sourceUrl: overrides.source_url ?? null,
    authors: authorsFrom(parsed, overrides),
    tags: tagsFrom(parsed, overrides),
  };
  return { draft, warnings, report: { fields, removed: outcome.removed, references: parsed.references } };
}

export function createIngestService(repositories: Repositories) {
  const { ingest: store, articles } = repositories;

  async function report(ingestId: number): Promise<IngestResult> {
    const ingest = (await store.findIngest(ingestId))!;
    const article = (await articles.findArticle(String(ingest.article_id)))!;
    return {
      article,
      ingest: {
        id: ingest.id,
        status: ingest.status,
        warnings: ingest.warnings,
        fields: (ingest.report.fields ?? {}) as Record<string, string>,
        duplicate_of: ingest.duplicate_of,
        parser_version: ingest.parser_version,
      },
    };
  }

  /** Parses a request and builds what the repository stores: the draft and its provenance record. */
  function prepare(request: IngestRequest): { draft: ArticleDraft; record: IngestRecord } {
    const raw = typeof request.raw === 'string' ? Buffer.from(request.raw, 'utf8') : Buffer.from(request.raw);
    const { draft, warnings, report: parseReport } = draftArticle(request);
    const record: IngestRecord = {
      receivedAt: new Date().toISOString(),
      contentType: request.contentType,
      sourceUrl: draft.sourceUrl,
      raw,
      rawSha256: sha256(raw),
      overrides: Object.keys(request.overrides).length ? { ...request.overrides } : null,
      status: 'created',
      duplicateOf: null,
      warnings,
      report: parseReport,
      parserVersion: PARSER_VERSION,
      idempotencyKey: request.idempotencyKey ?? null,
    };
    return { draft, record };
  }

  /** An earlier ingest with the same Idempotency-Key answers again, unless the payload differs. */
  async function replay(ingestId: number, rawSha256: string): Promise<IngestResult> {
    const earlier = (await store.findIngest(ingestId))!;
    if (earlier.raw_sha256 !== rawSha256) {
      throw new Conflict('This Idempotency-Key was already used with a different payload; use a new key.');
    }
    return report(ingestId);
  }

  return {
    /** What ingest would store, in the API's shape; nothing is written. */
    preview(request: Omit<IngestRequest, 'idempotencyKey'>) {
      const { draft, warnings, report } = draftArticle(request);
      return {
        article: {
          slug: draft.slug,
          title: draft.title,
          subtitle: draft.subtitle,
          excerpt: draft.excerpt,
          body_text: draft.bodyText,
          body_html: draft.bodyHtml,
          images: draft.images,
          authors: draft.authors.map(({ slug, name, bio }) => ({ slug, name, bio })),
          tags: draft.tags,
          language: draft.language,
          word_count: draft.wordCount,
          reading_time_minutes: draft.readingTimeMinutes,
          published_at: draft.publishedAt,
          source_url: draft.sourceUrl,
          content_hash: draft.contentHash,
        },
        ingest: { status: 'dry_run' as const, warnings, ...report, parser_version: PARSER_VERSION },
      };
    },

    /** The provenance of one ingest: what arrived, what the parser made of it, and which rules fired. */
    async getIngest(id: number) {
      const ingest = await store.findIngest(id);
      if (!ingest) throw new NotFound(`No ingest has the id ${id}.`);
      const { report: parseReport, ...rest } = ingest;
      return {
        ...rest,
        fields: (parseReport.fields ?? {}) as Record<string, string>,
        removed: (parseReport.removed ?? []) as RemovedBlock[],
        references: (parseReport.references ?? []) as string[],
      };
    },

    /**
     * Parses and stores one raw article. The same source URL or the same normalised content again is
     * not a new article: the existing one comes back with status `duplicate`.
     */
    async ingestArticle(request: IngestRequest): Promise<IngestResult> {
      if (request.idempotencyKey) {
        const earlier = await store.findIngestByIdempotencyKey(request.idempotencyKey);
        if (earlier)
          return replay(
            earlier.id,
            sha256(typeof request.raw === 'string' ? Buffer.from(request.raw) : request.raw),
          );
      }
      const prepared = prepare(request);
      const [outcome] = await store.storeArticles([prepared]);
      if (outcome?.kind === 'replay') return replay(outcome.ingestId, prepared.record.rawSha256);
      if (outcome?.kind !== 'stored') throw outcome?.error;
      return report(outcome.ingestId);
    },

    /**
     * Ingests many raw articles in one transaction (one commit for all, which is what makes batches
     * fast); each article is still all-or-nothing on its own. Results come back in order: what was
     * stored, or the error that refused that article.
     */
    async ingestMany(requests: IngestRequest[]): Promise<BatchOutcome[]> {
      const outcomes: BatchOutcome[] = new Array(requests.length);
      const parsed: { index: number; item: ReturnType<typeof prepare> }[] = [];
      requests.forEach((request, index) => {
        try {
          parsed.push({ index, item: prepare(request) });
        } catch (error) {
          outcomes[index] = { error };
        }
      });
      const stored = await store.storeArticles(parsed.map(({ item }) => item));
      parsed.forEach(({ index }, position) => {
        const outcome = stored[position]!;
        if (outcome.kind === 'stored') {
          outcomes[index] = {
            status: outcome.status,
            articleId: outcome.articleId,
            ingestId: outcome.ingestId,
            warnings: outcome.warnings,
          };
        } else {
          // Batch lines carry no idempotency key, so a replay here would be a bug, not a client's mistake.
          outcomes[index] = {
            error: outcome.kind === 'failed' ? outcome.error : new Error('unexpected replay in a batch'),
          };
        }
      });
      return outcomes;
    },

    /**
     * Re-runs the current parser over every stored payload and rewrites the articles in place,
     * keeping their ids and slugs. Payloads the parser now refuses are left as they were.
     */
    async reparseAll(
      onProgress?: (done: number) => void,
    ): Promise<{ updated: number; failed: { ingestId: number; reason: string }[] }> {
      let updated = 0;
      const failed: { ingestId: number; reason: string }[] = [];
      let after = 0;
      for (;;) {
        const batch = await store.listStoredPayloads(after, 200);
        if (batch.length === 0) break;
        for (const stored of batch) {
          after = stored.id;
          try {
            const {
              draft,
              warnings,
              report: parseReport,
            } = draftArticle({
              raw: stored.raw,
              contentType: stored.content_type,
              overrides: (stored.overrides ?? {}) as IngestOverrides,
            });
            await store.reparseArticle({
              ingestId: stored.id,
              articleId: stored.article_id!,
              draft,
              warnings,
              report: parseReport,
              parserVersion: PARSER_VERSION,
              now: new Date().toISOString(),
            });
            updated++;
          } catch (error) {
            failed.push({
              ingestId: stored.id,
              reason: error instanceof Error ? error.message : String(error),
            });
          }
          onProgress?.(updated + failed.length);
        }
      }
      return { updated, failed };
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
