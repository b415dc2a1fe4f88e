import { createHash } from 'node:crypto';
import type { Repositories } from '../db/index.js';
import type { ArticleDraft, IngestRecord, StoredIngest } from '../db/ingest-repository.js';
import { PARSER_VERSION } from '../ingest/parse.js';
import type { RemovedBlock } from '../ingest/types.js';
import { asBuffer } from '../lib/bytes.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { withSnakeCaseKeys } from '../lib/snake-case.js';
import { draftArticle, type IngestOverrides, type IngestRequest, recurringLinesBySource } from './draft.js';
import type { Article } from './model.js';

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

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

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
        fields: withSnakeCaseKeys((ingest.report.fields ?? {}) as Record<string, string>),
        duplicate_of: ingest.duplicate_of,
        parser_version: ingest.parser_version,
      },
    };
  }

  /** Parses a request and builds what the repository stores: the draft and its provenance record. */
  function prepare(
    request: IngestRequest,
    recurringLines?: readonly string[],
  ): { draft: ArticleDraft; record: IngestRecord } {
    const raw = asBuffer(request.raw);
    const { draft, warnings, report: parseReport } = draftArticle(request, recurringLines);
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
        fields: withSnakeCaseKeys((parseReport.fields ?? {}) as Record<string, string>),
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
        if (earlier) return replay(earlier.id, sha256(request.raw));
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
      const recurring = recurringLinesBySource(requests);
      requests.forEach((request, index) => {
        try {
          parsed.push({ index, item: prepare(request, recurring[index]) });
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
