import { setImmediate } from 'node:timers/promises';
import type { ArticleDraft } from '../../domain/article.js';
import type { IngestRecord, StoreOutcome } from '../../domain/ingest.js';
import type { IngestRepository, Reparse } from '../../domain/ports.js';
import { createArticleLinks } from './article-links.js';
import { createArticleRows } from './article-rows.js';
import type { Db } from './connection.js';
import { createEventLog } from './events.js';
import { createIngestReads, createIngestRecords } from './ingest-records.js';
import { createSimhashBands } from './simhash-bands.js';
import { isStorageError, type WriteGate, writeGateOf } from './writes.js';

type Ingest = { draft: ArticleDraft; record: IngestRecord };

/** How long one ingest transaction may hold the event loop before it commits and lets requests in. */
const defaultTransactionBudgetMs = 16;

/**
 * Writes an ingested article with its authors, tags, links and provenance record in one
 * transaction: when any statement fails, nothing of the article is stored. A batch's transaction
 * commits once it has run `transactionBudgetMs`, and the next one takes the rest.
 */
export function createIngestRepository(
  db: Db,
  transactionBudgetMs = defaultTransactionBudgetMs,
): IngestRepository {
  const sqlite = db.$client;
  const gate = writeGateOf(sqlite);
  const articles = createArticleRows(sqlite);
  const events = createEventLog(sqlite);
  const links = createArticleLinks(sqlite, events);
  const bands = createSimhashBands(sqlite);
  const ingests = createIngestRecords(sqlite);

  /** A copy of a stored article: the ingest is recorded against it, and nothing else is written. */
  function storeCopy(record: IngestRecord, articleId: number): StoreOutcome {
    const ingestId = ingests.insert({ ...record, status: 'duplicate', duplicateOf: articleId }, articleId);
    return { kind: 'stored', status: 'duplicate', articleId, ingestId, warnings: record.warnings };
  }

  /** A new article, with a warning when its text nearly matches a stored one. */
  function storeNew({ draft, record }: Ingest): StoreOutcome {
    const now = record.receivedAt;
    const similar = bands.nearDuplicateOf(draft.simhash);
    const warnings =
      similar === null ? record.warnings : [...record.warnings, `near-duplicate of article ${similar}`];
    const articleId = articles.insert(draft, now);
    links.link(articleId, draft, now);
    bands.add(articleId, draft.simhash);
    events.article('article.created', articleId, now);
    const ingestId = ingests.insert({ ...record, duplicateOf: similar, warnings }, articleId);
    return { kind: 'stored', status: 'created', articleId, ingestId, warnings };
  }

  /**
   * One ingest, inside its own savepoint: the duplicate checks and the writes see the same state, so
   * two copies arriving together cannot both become articles, and a failure undoes only this one.
   */
  const storeOne = sqlite.transaction((ingest: Ingest): StoreOutcome => {
    const key = ingest.record.idempotencyKey;
    const earlier = key ? ingests.idByIdempotencyKey(ingest.record.idempotencyCaller, key) : undefined;
    if (earlier !== undefined) return { kind: 'replay', ingestId: earlier };
    const copyOf = articles.copyOf(ingest.draft);
    return copyOf === undefined ? storeNew(ingest) : storeCopy(ingest.record, copyOf);
  });

  /**
   * Ingests from `from` on, each in its own savepoint, in one transaction that stops taking more
   * once it has run `transactionBudgetMs`: one commit for many articles, without holding the event
   * loop (and so every read this process serves) for a whole batch.
   */
  const storeSome = sqlite.transaction((items: Ingest[], from: number): StoreOutcome[] => {
    const started = performance.now();
    const outcomes: StoreOutcome[] = [];
    do {
      try {
        outcomes.push(storeOne(items[from + outcomes.length]!));
      } catch (error) {
        // A full disk fails every article and the commit too: the whole transaction gives up.
        if (isStorageError(error)) throw error;
        outcomes.push({ kind: 'failed', error });
      }
    } while (from + outcomes.length < items.length && performance.now() - started < transactionBudgetMs);
    return outcomes;
  });

  const reparse = sqlite.transaction(({ ingestId, articleId, draft, now, ...report }: Reparse) => {
    articles.update(articleId, draft, now);
    links.unlink(articleId);
    bands.remove(articleId);
    links.link(articleId, draft, now);
    bands.add(articleId, draft.simhash);
    events.article('article.updated', articleId, now);
    ingests.updateReport(ingestId, report.warnings, report.report, report.parserVersion);
  });

  return {
    ...createIngestReads(sqlite),
    storeArticles: (items) => storeInSteps(gate, items.length, (from) => storeSome.immediate(items, from)),
    async reparseArticle(input) {
      await gate.write(() => reparse.immediate(input));
    },
  };
}

/**
 * Stores `count` ingests by calling `step` (which stores some from an index on, in one transaction)
 * until all are done, serving requests between the steps; flushed once before anyone is answered.
 */
async function storeInSteps(
  gate: WriteGate,
  count: number,
  step: (from: number) => StoreOutcome[],
): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = [];
  if (count === 0) return outcomes;
  try {
    while (outcomes.length < count) {
      // Requests that arrived meanwhile are served between two transactions. It takes two turns
      // of the event loop: with one, a /healthz probe still waited for the next transaction.
      if (outcomes.length > 0) {
        await setImmediate();
        await setImmediate();
      }
      const from = outcomes.length;
      outcomes.push(...(await gate.commit(() => step(from))));
    }
  } catch (error) {
    // What earlier transactions stored stays stored; the rest fail with the error.
    if (outcomes.length === 0) throw error;
    while (outcomes.length < count) outcomes.push({ kind: 'failed', error });
  }
  await gate.flush();
  return outcomes;
}
