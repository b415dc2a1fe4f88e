import type { Article, ArticleDraft } from '../domain/article.js';
import type { IngestRecord, StoredIngest } from '../domain/ingest.js';
import type { Repositories } from '../domain/ports.js';
import type { RemovedBlock } from '../ingest/types.js';
import { PARSER_VERSION } from '../ingest/version.js';
import { asBuffer } from '../lib/bytes.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { sha256 } from '../lib/hash.js';
import { snakeCased, withSnakeCaseKeys } from '../lib/snake-case.js';
import {
  draftFromOutcome,
  type IngestOverrides,
  type IngestRequest,
  rawArticleOf,
  recurringLinesBySource,
} from './draft.js';
import type { ParserPool } from './parser-pool.js';

interface IngestReport {
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

/** Told how long each parse took and how each article ended, for metrics. */
export interface IngestObserver {
  parsed(seconds: number): void;
  finished(outcome: 'created' | 'duplicate' | 'rejected'): void;
}

const unobserved: IngestObserver = { parsed: () => {}, finished: () => {} };

/** What every ingest operation works with. */
interface IngestContext {
  store: Repositories['ingest'];
  articles: Repositories['articles'];
  parser: ParserPool;
  observer: IngestObserver;
}

/** Parses off the event loop and applies the request's explicit fields. */
async function draft(
  { parser }: IngestContext,
  request: Omit<IngestRequest, 'idempotencyKey'>,
  recurringLines?: readonly string[],
) {
  const { outcome, rawSha256 } = await parser.parse(rawArticleOf(request, recurringLines));
  return { ...draftFromOutcome(request, outcome), rawSha256 };
}

async function report({ store, articles }: IngestContext, ingestId: number): Promise<IngestResult> {
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
async function prepare(
  context: IngestContext,
  request: IngestRequest,
  recurringLines?: readonly string[],
): Promise<{ draft: ArticleDraft; record: IngestRecord }> {
  const raw = asBuffer(request.raw);
  const started = performance.now();
  let drafted: Awaited<ReturnType<typeof draft>>;
  try {
    drafted = await draft(context, request, recurringLines);
  } finally {
    context.observer.parsed((performance.now() - started) / 1000);
  }
  const { draft: parsed, warnings, report: parseReport, rawSha256 } = drafted;
  const record: IngestRecord = {
    receivedAt: new Date().toISOString(),
    contentType: request.contentType,
    sourceUrl: parsed.sourceUrl,
    raw,
    rawSha256,
    overrides: Object.keys(request.overrides).length ? { ...request.overrides } : null,
    status: 'created',
    duplicateOf: null,
    warnings,
    report: parseReport,
    parserVersion: PARSER_VERSION,
    idempotencyKey: request.idempotencyKey ?? null,
    idempotencyCaller: request.idempotencyKey ? (request.idempotencyCaller ?? null) : null,
  };
  return { draft: parsed, record };
}

/** An earlier ingest with the same Idempotency-Key answers again, unless the payload differs. */
async function replay(context: IngestContext, ingestId: number, rawSha256: string): Promise<IngestResult> {
  const earlier = (await context.store.findIngest(ingestId))!;
  if (earlier.raw_sha256 !== rawSha256) {
    throw new Conflict('This Idempotency-Key was already used with a different payload; use a new key.');
  }
  return report(context, ingestId);
}

/** What ingest would store, in the API's shape; nothing is written. */
async function preview(context: IngestContext, request: Omit<IngestRequest, 'idempotencyKey'>) {
  const { draft: parsed, warnings, report } = await draft(context, request);
  // The simhash is internal, and an author's folded name only identifies them in the database.
  const { simhash: _simhash, authors, ...article } = parsed;
  return {
    article: {
      ...snakeCased(article),
      authors: authors.map(({ slug, name, bio }) => ({ slug, name, bio })),
    },
    ingest: { status: 'dry_run' as const, warnings, ...report, parser_version: PARSER_VERSION },
  };
}

/** The provenance of one ingest: what arrived, what the parser made of it, and which rules fired. */
async function getIngest({ store }: IngestContext, id: number) {
  const ingest = await store.findIngest(id);
  if (!ingest) throw new NotFound(`No ingest has the id ${id}.`);
  const { report: parseReport, ...rest } = ingest;
  return {
    ...rest,
    fields: withSnakeCaseKeys((parseReport.fields ?? {}) as Record<string, string>),
    removed: (parseReport.removed ?? []) as RemovedBlock[],
    references: (parseReport.references ?? []) as string[],
  };
}

/**
 * Parses and stores one raw article. The same source URL or the same normalised content again is
 * not a new article: the existing one comes back with status `duplicate`.
 */
async function ingestArticle(context: IngestContext, request: IngestRequest): Promise<IngestResult> {
  const { store, observer } = context;
  if (request.idempotencyKey) {
    const earlier = await store.findIngestByIdempotencyKey(
      request.idempotencyCaller ?? null,
      request.idempotencyKey,
    );
    if (earlier) return replay(context, earlier.id, sha256(request.raw));
  }
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(context, request);
  } catch (error) {
    observer.finished('rejected');
    throw error;
  }
  const [outcome] = await store.storeArticles([prepared]);
  if (outcome?.kind === 'replay') return replay(context, outcome.ingestId, prepared.record.rawSha256);
  if (outcome?.kind !== 'stored') {
    observer.finished('rejected');
    throw outcome?.error;
  }
  observer.finished(outcome.status);
  return report(context, outcome.ingestId);
}

/**
 * Ingests many raw articles together (a commit for many, which is what makes batches fast); each
 * article is still all-or-nothing on its own. Results come back in order: what was stored, or the
 * error that refused that article.
 */
async function ingestMany(context: IngestContext, requests: IngestRequest[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = new Array(requests.length);
  const parsed: { index: number; item: Awaited<ReturnType<typeof prepare>> }[] = [];
  const recurring = recurringLinesBySource(requests);
  // All of a batch parses at once, as many at a time as the pool has threads.
  const prepared = await Promise.allSettled(
    requests.map((request, index) => prepare(context, request, recurring[index])),
  );
  prepared.forEach((result, index) => {
    if (result.status === 'fulfilled') parsed.push({ index, item: result.value });
    else outcomes[index] = { error: result.reason };
  });
  // A store that fails before committing anything (a full disk, a write lock held too long) fails
  // the whole group: each line reports it.
  const stored = await context.store
    .storeArticles(parsed.map(({ item }) => item))
    .catch((error: unknown) => parsed.map(() => ({ kind: 'failed' as const, error })));
  parsed.forEach(({ index }, position) => {
    const outcome = stored[position]!;
    if (outcome.kind === 'stored') {
      const { status, articleId, ingestId, warnings } = outcome;
      outcomes[index] = { status, articleId, ingestId, warnings };
    } else {
      // Batch lines carry no idempotency key, so a replay here would be a bug, not a client's mistake.
      outcomes[index] = {
        error: outcome.kind === 'failed' ? outcome.error : new Error('unexpected replay in a batch'),
      };
    }
  });
  for (const outcome of outcomes) context.observer.finished('error' in outcome ? 'rejected' : outcome.status);
  return outcomes;
}

interface ReparseSummary {
  updated: number;
  failed: { ingestId: number; reason: string }[];
}

/**
 * Re-runs the current parser over every stored payload and rewrites the articles in place,
 * keeping their ids and slugs. Payloads the parser now refuses are left as they were.
 */
async function reparseAll(
  context: IngestContext,
  onProgress?: (done: number) => void,
): Promise<ReparseSummary> {
  const summary: ReparseSummary = { updated: 0, failed: [] };
  let after = 0;
  for (;;) {
    const batch = await context.store.listStoredPayloads(after, 200);
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    await reparseBatch(context, batch, summary, onProgress);
  }
  return summary;
}

type StoredPayload = Awaited<ReturnType<Repositories['ingest']['listStoredPayloads']>>[number];

/** One batch parses in parallel on the pool; the rewrites then go in ingest order. */
async function reparseBatch(
  context: IngestContext,
  batch: StoredPayload[],
  summary: ReparseSummary,
  onProgress?: (done: number) => void,
) {
  const drafts = await Promise.allSettled(
    batch.map((stored) =>
      draft(context, {
        raw: stored.raw,
        contentType: stored.content_type,
        overrides: (stored.overrides ?? {}) as IngestOverrides,
      }),
    ),
  );
  for (const [index, stored] of batch.entries()) {
    const result = drafts[index]!;
    try {
      if (result.status === 'rejected') throw result.reason;
      const { draft: parsed, warnings, report: parseReport } = result.value;
      await context.store.reparseArticle({
        ingestId: stored.id,
        articleId: stored.article_id!,
        draft: parsed,
        warnings,
        report: parseReport,
        parserVersion: PARSER_VERSION,
        now: new Date().toISOString(),
      });
      summary.updated++;
    } catch (error) {
      summary.failed.push({
        ingestId: stored.id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    onProgress?.(summary.updated + summary.failed.length);
  }
}

export function createIngestService(
  repositories: Repositories,
  parser: ParserPool,
  observer: IngestObserver = unobserved,
) {
  const context: IngestContext = {
    store: repositories.ingest,
    articles: repositories.articles,
    parser,
    observer,
  };
  return {
    preview: (request: Omit<IngestRequest, 'idempotencyKey'>) => preview(context, request),
    getIngest: (id: number) => getIngest(context, id),
    ingestArticle: (request: IngestRequest) => ingestArticle(context, request),
    ingestMany: (requests: IngestRequest[]) => ingestMany(context, requests),
    reparseAll: (onProgress?: (done: number) => void) => reparseAll(context, onProgress),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
