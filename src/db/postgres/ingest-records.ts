import { and, eq, gt, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import type { IngestRecord, StoredIngest, StoredIngestWithRaw } from '../../domain/ingest.js';
import type { PostgresDb } from './connection.js';
import { jsonbSafe } from './jsonb.js';
import { articles, ingests, rawPayloads } from './schema.js';
import type { Tx } from './write-transaction.js';

/** An ingest row as the API reports it. */
const storedIngest = {
  id: ingests.id,
  received_at: ingests.receivedAt,
  content_type: ingests.contentType,
  source_url: ingests.sourceUrl,
  raw_sha256: ingests.rawSha256,
  status: ingests.status,
  article_id: ingests.articleId,
  duplicate_of: ingests.duplicateOf,
  warnings: ingests.warnings,
  report: ingests.report,
  parser_version: ingests.parserVersion,
};

/** Keys are unique per caller; ingests stored before keys were scoped (caller NULL) match no caller. */
const byKey = (caller: string | null, key: string) =>
  and(sql`${ingests.idempotencyCaller} IS NOT DISTINCT FROM ${caller}`, eq(ingests.idempotencyKey, key));

/** The provenance of every ingest and the payloads they received, inside the caller's transaction. */
export function createIngestRecords(tx: Tx) {
  return {
    /** Stores the payload (once per distinct content) and the ingest's record; returns the ingest id. */
    async insert(record: IngestRecord, articleId: number | null): Promise<number> {
      const { raw, receivedAt, contentType, sourceUrl, rawSha256, overrides, warnings, report, ...rest } =
        record;
      await tx.insert(rawPayloads).values({ sha256: rawSha256, raw }).onConflictDoNothing();
      const [row] = await tx
        .insert(ingests)
        .values({
          ...rest,
          ...jsonbSafe({ overrides, warnings, report }),
          receivedAt,
          contentType,
          sourceUrl,
          rawSha256,
          articleId,
        })
        .returning({ id: ingests.id });
      return row!.id;
    },

    /** The ingest that already used this idempotency key, if any. */
    async idByIdempotencyKey(caller: string | null, key: string): Promise<number | undefined> {
      const [row] = await tx.select({ id: ingests.id }).from(ingests).where(byKey(caller, key));
      return row?.id;
    },

    /** Records a re-parse: the new warnings, report and parser version, and the `updated` status. */
    async updateReport(ingestId: number, warnings: string[], report: object, parserVersion: string) {
      await tx
        .update(ingests)
        .set({
          ...jsonbSafe({ warnings, report: report as Record<string, unknown> }),
          parserVersion,
          status: 'updated',
        })
        .where(eq(ingests.id, ingestId));
    },
  };
}

/** Reading ingest records back, as ../ingest-records.ts does on SQLite. */
export function createIngestReads(db: PostgresDb) {
  return {
    async findIngest(id: number): Promise<StoredIngest | undefined> {
      const [row] = await db.select(storedIngest).from(ingests).where(eq(ingests.id, id));
      return row;
    },

    async findIngestByIdempotencyKey(caller: string | null, key: string): Promise<StoredIngest | undefined> {
      const [row] = await db.select(storedIngest).from(ingests).where(byKey(caller, key));
      return row;
    },

    /** Payloads of live articles no editor has changed (a re-parse must not undo an edit). */
    async listStoredPayloads(afterIngestId: number, limit: number): Promise<StoredIngestWithRaw[]> {
      const edited = db
        .select({ id: articles.id })
        .from(articles)
        .where(and(eq(articles.id, ingests.articleId), isNotNull(articles.editedAt)));
      return db
        .select({ ...storedIngest, raw: rawPayloads.raw, overrides: ingests.overrides })
        .from(ingests)
        .innerJoin(rawPayloads, eq(rawPayloads.sha256, ingests.rawSha256))
        .where(
          and(
            inArray(ingests.status, ['created', 'updated']),
            isNotNull(ingests.articleId),
            gt(ingests.id, afterIngestId),
            notExists(edited),
          ),
        )
        .orderBy(ingests.id)
        .limit(limit);
    },
  };
}
