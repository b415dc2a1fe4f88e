import type { ArticleDraft } from '../../domain/article.js';
import type { IngestRecord, StoreOutcome } from '../../domain/ingest.js';
import type { IngestRepository, Reparse } from '../../domain/ports.js';
import { createArticleLinks } from './article-links.js';
import { createArticleRows } from './article-rows.js';
import type { Db } from './connection.js';
import { createEventLog } from './events.js';
import { createIngestReads, createIngestRecords } from './ingest-records.js';
import { createSimhashBands } from './simhash-bands.js';
import { isStorageError, writeGateOf } from './writes.js';

type Ingest = { draft: ArticleDraft; record: IngestRecord };

/**
 * Writes an ingested article with its authors, tags, links and provenance record in one
 * transaction: when any statement fails, nothing of the article is stored.
 */
export function createIngestRepository(db: Db): IngestRepository {
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

  /** Many ingests in one transaction (one commit, one full-text flush), each in its own savepoint. */
  const storeAll = sqlite.transaction((items: Ingest[]) =>
    items.map((ingest): StoreOutcome => {
      try {
        return storeOne(ingest);
      } catch (error) {
        // A full disk fails every article and the commit too: the whole transaction gives up.
        if (isStorageError(error)) throw error;
        return { kind: 'failed', error };
      }
    }),
  );

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
    async storeArticles(items) {
      return gate.write(() => storeAll.immediate(items));
    },
    async reparseArticle(input) {
      await gate.write(() => reparse.immediate(input));
    },
  };
}
