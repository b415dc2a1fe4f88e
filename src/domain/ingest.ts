/** What became of an ingest: a new article, a copy of one, a re-parse of one, or nothing. */
export const ingestStatuses = ['created', 'duplicate', 'updated', 'rejected'] as const;
type IngestStatus = (typeof ingestStatuses)[number];

/**
 * Simhashes within this many bits of each other are near-duplicates (about 95% of 64 bits agree):
 * close enough to warn about, far enough apart that a corrected article is still stored.
 */
export const nearDuplicateBits = 3;

/**
 * How many of the newest articles that share a simhash band with a new one are compared with it.
 * A text sent again and again (a live page, a wire story in many versions) shares bands with every
 * earlier version, and comparing each ingest with all of them made ingest grow with their number.
 */
export const nearDuplicateCandidates = 256;

/** The provenance of one ingest as stored: the payload, what was asked and what the parser said. */
export interface IngestRecord {
  receivedAt: string;
  contentType: string;
  sourceUrl: string | null;
  raw: Buffer;
  rawSha256: string;
  overrides: Record<string, unknown> | null;
  status: IngestStatus;
  duplicateOf: number | null;
  warnings: string[];
  report: Record<string, unknown>;
  parserVersion: string;
  idempotencyKey: string | null;
  /** The caller that sent the key: keys are unique per caller. */
  idempotencyCaller: string | null;
}

export interface StoredIngest {
  id: number;
  received_at: string;
  content_type: string;
  source_url: string | null;
  raw_sha256: string;
  status: IngestStatus;
  article_id: number | null;
  duplicate_of: number | null;
  warnings: string[];
  report: Record<string, unknown>;
  parser_version: string;
}

export interface StoredIngestWithRaw extends StoredIngest {
  raw: Buffer;
  overrides: Record<string, unknown> | null;
}

/** What storing one ingest did. */
export type StoreOutcome =
  | {
      kind: 'stored';
      status: 'created' | 'duplicate';
      articleId: number;
      ingestId: number;
      warnings: string[];
    }
  /** The idempotency key was seen before: the earlier ingest stands, nothing new is written. */
  | { kind: 'replay'; ingestId: number }
  | { kind: 'failed'; error: unknown };
