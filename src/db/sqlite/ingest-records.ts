import type Database from 'better-sqlite3';
import type { IngestRecord, StoredIngest, StoredIngestWithRaw } from '../../domain/ingest.js';
import type { StoredRow } from './rows.js';
import type { ingests, rawPayloads } from './schema.js';

const ingestColumns = `id, received_at, content_type, source_url, raw_sha256, status, article_id,
  duplicate_of, warnings, report, parser_version`;

type IngestRow = Pick<
  StoredRow<typeof ingests>,
  | 'id'
  | 'received_at'
  | 'content_type'
  | 'source_url'
  | 'raw_sha256'
  | 'status'
  | 'article_id'
  | 'duplicate_of'
  | 'warnings'
  | 'report'
  | 'parser_version'
>;
type IngestId = IngestRow['id'];

function toStoredIngest<T extends IngestRow>(row: T): Omit<T, 'warnings' | 'report'> & StoredIngest {
  return { ...row, warnings: JSON.parse(row.warnings), report: JSON.parse(row.report) };
}

function ingestParams(record: Omit<IngestRecord, 'raw'>, articleId: number | null) {
  return {
    ...record,
    articleId,
    overrides: record.overrides ? JSON.stringify(record.overrides) : null,
    warnings: JSON.stringify(record.warnings),
    report: JSON.stringify(record.report),
  };
}

/**
 * The provenance of every ingest (`ingests`) and the payloads they received (`raw_payloads`). Writes
 * run inside the caller's transaction.
 */
export function createIngestRecords(sqlite: Database.Database) {
  // A payload seen before is already stored: the new ingest refers to it by its hash.
  const insertPayload = sqlite.prepare('INSERT OR IGNORE INTO raw_payloads (sha256, raw) VALUES (?, ?)');
  const insertIngest = sqlite.prepare(`INSERT INTO ingests (received_at, content_type, source_url,
    raw_sha256, overrides, status, article_id, duplicate_of, warnings, report, parser_version, idempotency_key,
    idempotency_caller) VALUES (@receivedAt, @contentType, @sourceUrl, @rawSha256, @overrides, @status, @articleId,
    @duplicateOf, @warnings, @report, @parserVersion, @idempotencyKey, @idempotencyCaller)`);
  const updateReport = sqlite.prepare(
    'UPDATE ingests SET warnings = ?, report = ?, parser_version = ?, status = ? WHERE id = ?',
  );
  // `IS` so that ingests stored before keys were scoped (caller NULL) stay distinct from every caller's.
  const idByKey = sqlite
    .prepare<[string | null, string], IngestId>(
      'SELECT id FROM ingests WHERE idempotency_caller IS ? AND idempotency_key = ?',
    )
    .pluck();

  return {
    /** Stores the payload (once per distinct content) and the ingest's record; returns the ingest id. */
    insert(record: IngestRecord, articleId: number | null): number {
      const { raw, ...row } = record;
      insertPayload.run(record.rawSha256, raw);
      return Number(insertIngest.run(ingestParams(row, articleId)).lastInsertRowid);
    },

    /** The ingest that already used this idempotency key, if any. */
    idByIdempotencyKey(caller: string | null, key: string): number | undefined {
      return idByKey.get(caller, key);
    },

    /** Records a re-parse: the new warnings, report and parser version, and the `updated` status. */
    updateReport(ingestId: number, warnings: string[], report: object, parserVersion: string): void {
      updateReport.run(JSON.stringify(warnings), JSON.stringify(report), parserVersion, 'updated', ingestId);
    },
  };
}

/**
 * Reading ingest records back: one by id or idempotency key, or the payloads of live articles that
 * no editor has changed (a re-parse must not undo an edit).
 */
export function createIngestReads(sqlite: Database.Database) {
  const byId = sqlite.prepare<[number], IngestRow>(`SELECT ${ingestColumns} FROM ingests WHERE id = ?`);
  const byKey = sqlite.prepare<[string | null, string], IngestRow>(
    `SELECT ${ingestColumns} FROM ingests WHERE idempotency_caller IS ? AND idempotency_key = ?`,
  );
  const storedPayloads = sqlite.prepare<
    [number, number],
    IngestRow & Pick<StoredRow<typeof rawPayloads>, 'raw'> & Pick<StoredRow<typeof ingests>, 'overrides'>
  >(`SELECT ${ingestColumns}, p.raw, overrides FROM ingests
    JOIN raw_payloads p ON p.sha256 = ingests.raw_sha256
    WHERE status IN ('created', 'updated') AND article_id IS NOT NULL AND id > ?
      AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = ingests.article_id AND a.edited_at IS NOT NULL)
      ORDER BY id LIMIT ?`);

  return {
    async findIngest(id: number): Promise<StoredIngest | undefined> {
      const row = byId.get(id);
      return row && toStoredIngest(row);
    },

    async findIngestByIdempotencyKey(caller: string | null, key: string): Promise<StoredIngest | undefined> {
      const row = byKey.get(caller, key);
      return row && toStoredIngest(row);
    },

    async listStoredPayloads(afterIngestId: number, limit: number): Promise<StoredIngestWithRaw[]> {
      const rows = storedPayloads.all(afterIngestId, limit);
      return rows.map((row) => ({
        ...toStoredIngest(row),
        overrides: row.overrides ? JSON.parse(row.overrides) : null,
      }));
    },
  };
}
