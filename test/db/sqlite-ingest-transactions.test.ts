import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { migrateDatabase, openDatabase } from '../../src/db/sqlite/connection.js';
import { createIngestRepository } from '../../src/db/sqlite/ingest-repository.js';
import type { ArticleDraft } from '../../src/domain/article.js';
import type { IngestRecord } from '../../src/domain/ingest.js';
import { parseArticle } from '../../src/ingest/parse.js';
import { draftFromOutcome, rawArticleOf } from '../../src/services/draft.js';
import { plainArticle } from '../support/app.js';
import { ingestRecordOf } from '../support/database.js';

/**
 * On SQLite a batch is stored in transactions that commit once they have run a few milliseconds
 * (src/db/sqlite/ingest-repository.ts), so requests are served between them. A budget of 0 makes
 * each article its own transaction, which these tests rely on.
 */

function database(t: Test) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-ingest-tx-'));
  const file = path.join(directory, 'gazette.db');
  const db = openDatabase(file);
  migrateDatabase(db);
  // Another connection, as another process would have: it sees each commit of the first.
  const observer = new Database(file, { readonly: true });
  t.teardown(() => {
    observer.close();
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return { db, observer };
}

function items(count: number, repeat = 1): { draft: ArticleDraft; record: IngestRecord }[] {
  return Array.from({ length: count }, (_, n) => {
    const raw = plainArticle({ title: `Harbour works report number ${n}` }).repeat(repeat);
    const request = { raw: Buffer.from(raw), contentType: 'text/plain', overrides: {} };
    return {
      draft: draftFromOutcome(request, parseArticle(rawArticleOf(request))).draft,
      record: ingestRecordOf(raw, '2026-05-01T00:00:00.000Z'),
    };
  });
}

/** Commits made while `work` runs that had a turn of the event loop between them. */
async function commitsSeenBetweenTurns(observer: Database.Database, work: () => Promise<unknown>) {
  const dataVersion = () => observer.pragma('data_version', { simple: true });
  let last = dataVersion();
  let seen = 0;
  let running = true;
  const sample = () => {
    const version = dataVersion();
    if (version !== last) seen++;
    last = version;
  };
  const turn = () => {
    if (!running) return;
    sample();
    setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  running = false;
  sample();
  return seen;
}

t.test('a batch commits in steps, with the event loop turning between them', async (t) => {
  const { db, observer } = database(t);
  const batch = items(12);

  const stepwise = createIngestRepository(db, 0);
  let outcomes: Awaited<ReturnType<typeof stepwise.storeArticles>> = [];
  const steps = await commitsSeenBetweenTurns(observer, async () => {
    outcomes = await stepwise.storeArticles(batch.slice(0, 6));
  });
  t.equal(steps, 6, 'six articles, six commits, each seen on its own');
  t.same(
    outcomes.map((outcome) => outcome.kind === 'stored' && outcome.status),
    Array(6).fill('created'),
  );

  // Without a budget to run out, the same call is one transaction.
  const whole = createIngestRepository(db, Number.POSITIVE_INFINITY);
  t.equal(await commitsSeenBetweenTurns(observer, () => whole.storeArticles(batch.slice(6))), 1);
  t.same(observer.prepare('SELECT count(*) AS n FROM articles').get(), { n: 12 });
});

t.test('with the default budget, a batch that takes longer than it commits more than once', async (t) => {
  const { db, observer } = database(t);
  const repository = createIngestRepository(db);
  // 600 articles take about 140 ms to store here: several budgets of 16 ms on any machine.
  const batch = items(600, 4);
  const commits = await commitsSeenBetweenTurns(observer, () => repository.storeArticles(batch));
  t.ok(commits >= 2, `${commits} commits, each with a turn of the event loop before the next`);
  t.same(observer.prepare('SELECT count(*) AS n FROM articles').get(), { n: 600 });
});

t.test('a disk that fills during a batch keeps what was committed before it', async (t) => {
  const { db, observer } = database(t);
  const sqlite = db.$client;
  const repository = createIngestRepository(db, 0);
  const batch = items(30, 20);
  const [first] = await repository.storeArticles(batch.slice(0, 1));
  t.match(first, { kind: 'stored', status: 'created' });

  // Room for a few more articles of this size, not for all of them.
  const pages = () => Number(sqlite.pragma('page_count', { simple: true }));
  const before = pages();
  await repository.storeArticles(batch.slice(1, 2));
  const perArticle = pages() - before;
  sqlite.pragma(`max_page_count = ${pages() + 3 * perArticle}`);

  const outcomes = await repository.storeArticles(batch.slice(2));
  const stored = outcomes.filter((outcome) => outcome.kind === 'stored');
  const failed = outcomes.filter((outcome) => outcome.kind === 'failed');
  t.ok(stored.length >= 1, `some were stored before the disk filled (${stored.length})`);
  t.ok(failed.length >= 1, `the rest failed (${failed.length})`);
  t.same(outcomes.slice(0, stored.length), stored, 'the stored ones come first, in order');
  for (const outcome of failed) t.match(outcome, { kind: 'failed', error: { status: 507 } });
  t.equal(
    (observer.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n,
    2 + stored.length,
    'every article reported stored is there, and no other',
  );
  t.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
});
