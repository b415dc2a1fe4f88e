import { sql } from 'drizzle-orm';
import type { ArticleDraft } from '../../domain/article.js';
import type { IngestRecord, StoreOutcome } from '../../domain/ingest.js';
import type { IngestRepository, Reparse } from '../../domain/ports.js';
import { createArticleLinks, createArticleRows, createSimhashBands } from './article-writes.js';
import type { PostgresDb } from './connection.js';
import { createEventLog } from './events.js';
import { createIngestReads, createIngestRecords } from './ingest-records.js';
import { abortsTransaction, type Tx, writeTransaction } from './write-transaction.js';

type Ingest = { draft: ArticleDraft; record: IngestRecord };

/** Tables an ingest draws ids from. */
const sequences = ['articles', 'authors', 'tags', 'ingests', 'events'];

/**
 * Where each id sequence stands, to put back after an item fails: PostgreSQL does not roll
 * sequences back with a savepoint, SQLite does, and a failed item leaves no trace on either.
 * Writers hold the write lock, so nobody else draws from them meanwhile.
 */
async function sequencePositions(tx: Tx): Promise<(number | null)[]> {
  const columns = sequences.map(
    (table, index) => `pg_sequence_last_value(pg_get_serial_sequence('${table}', 'id')) AS s${index}`,
  );
  const result = await tx.execute<Record<string, string | null>>(sql.raw(`SELECT ${columns.join(', ')}`));
  const row = result.rows[0]!;
  return sequences.map((_, index) => (row[`s${index}`] == null ? null : Number(row[`s${index}`])));
}

async function restoreSequences(tx: Tx, positions: (number | null)[]): Promise<void> {
  const calls = sequences.map((table, index) => {
    const position = positions[index];
    const sequence = `pg_get_serial_sequence('${table}', 'id')`;
    return position == null ? `setval(${sequence}, 1, false)` : `setval(${sequence}, ${position})`;
  });
  await tx.execute(sql.raw(`SELECT ${calls.join(', ')}`));
}

/** One ingest inside the caller's savepoint: a new article, a copy of a stored one, or a replay. */
async function storeOne(tx: Tx, { draft, record }: Ingest): Promise<StoreOutcome> {
  const ingests = createIngestRecords(tx);
  const key = record.idempotencyKey;
  const earlier = key ? await ingests.idByIdempotencyKey(record.idempotencyCaller, key) : undefined;
  if (earlier !== undefined) return { kind: 'replay', ingestId: earlier };
  const rows = createArticleRows(tx);
  const copyOf = await rows.copyOf(draft);
  if (copyOf !== undefined) {
    const ingestId = await ingests.insert({ ...record, status: 'duplicate', duplicateOf: copyOf }, copyOf);
    return { kind: 'stored', status: 'duplicate', articleId: copyOf, ingestId, warnings: record.warnings };
  }
  const now = record.receivedAt;
  const events = createEventLog(tx);
  const bands = createSimhashBands(tx);
  const similar = await bands.nearDuplicateOf(draft.simhash);
  const warnings =
    similar === null ? record.warnings : [...record.warnings, `near-duplicate of article ${similar}`];
  const articleId = await rows.insert(draft, now);
  await createArticleLinks(tx, events).link(articleId, draft, now);
  await bands.add(articleId, draft.simhash);
  await events.article('article.created', articleId, now);
  const ingestId = await ingests.insert({ ...record, duplicateOf: similar, warnings }, articleId);
  return { kind: 'stored', status: 'created', articleId, ingestId, warnings };
}

/** Many ingests in one transaction, each in its own savepoint, so a failure undoes only that one. */
async function storeAll(tx: Tx, items: Ingest[]): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = [];
  for (const item of items) {
    const positions = await sequencePositions(tx);
    try {
      outcomes.push(await tx.transaction((savepoint) => storeOne(savepoint, item)));
    } catch (error) {
      // A full disk or a lost lock fails every item: the whole transaction gives up (or runs again).
      if (abortsTransaction(error)) throw error;
      await restoreSequences(tx, positions);
      outcomes.push({ kind: 'failed', error });
    }
  }
  return outcomes;
}

async function reparse(tx: Tx, { ingestId, articleId, draft, now, ...report }: Reparse): Promise<void> {
  const events = createEventLog(tx);
  const links = createArticleLinks(tx, events);
  const bands = createSimhashBands(tx);
  await createArticleRows(tx).update(articleId, draft, now);
  await links.unlink(articleId);
  await bands.remove(articleId);
  await links.link(articleId, draft, now);
  await bands.add(articleId, draft.simhash);
  await events.article('article.updated', articleId, now);
  await createIngestRecords(tx).updateReport(ingestId, report.warnings, report.report, report.parserVersion);
}

/** Ingests on PostgreSQL, with the rules of ../ingest-repository.ts. */
export function createPostgresIngestRepository(db: PostgresDb): IngestRepository {
  return {
    ...createIngestReads(db),
    storeArticles: (items) => writeTransaction(db, (tx) => storeAll(tx, items)),
    reparseArticle: (input) => writeTransaction(db, (tx) => reparse(tx, input)),
  };
}
