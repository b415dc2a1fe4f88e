import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import type { PostgresDb } from '../../src/db/postgres/connection.js';
import { type Db, migrateDatabase, openDatabase } from '../../src/db/sqlite/connection.js';
import { createRepositories } from '../../src/db/sqlite/repositories.js';
import type { ArticleDraft } from '../../src/domain/article.js';
import type { DeliveryAttempt, Repositories, WebhooksRepository } from '../../src/domain/ports.js';
import { WebhookInput } from '../../src/domain/webhooks.js';
import { createServices } from '../../src/services/index.js';
import { createTransferService } from '../../src/services/transfer.js';
import { plainArticle, testParser } from '../support/app.js';
import { ingestRecordOf } from '../support/database.js';
import { postgresEngine, postgresTest } from '../support/postgres.js';

type Method = (...args: unknown[]) => Promise<unknown>;

/** A value as compared across engines: an error by its status only (messages differ by engine). */
const comparable = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value ?? null, (_key, v) =>
      v instanceof Error ? ((v as { status?: number }).status ?? 'error') : v,
    ),
  );

type Settled = { value: unknown } | { error: unknown };
const settle = async (run: () => Promise<unknown>): Promise<Settled> => {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
};

/**
 * `lite` with every method also called on `pg` with the same arguments, right after: both must
 * answer alike, or fail alike. Services see SQLite's answers, so they drive both engines through one sequence.
 */
function tee<T extends object>(t: Test, name: string, lite: T, pg: Partial<T>): T {
  const both: Record<string, Method> = { ...(lite as Record<string, Method>) };
  for (const [method, run] of Object.entries(pg as Record<string, Method>)) {
    both[method] = async (...args) => {
      const expected = await settle(() => (lite as Record<string, Method>)[method]!(...args));
      const actual = await settle(() => run(...args));
      t.same(comparable(actual), comparable(expected), `${name}.${method} answers as on SQLite`);
      if ('error' in expected) throw expected.error;
      return expected.value;
    };
  }
  return both as T;
}

async function exportText(repositories: Pick<Repositories, 'transfer'>): Promise<string> {
  let text = '';
  await createTransferService(repositories).exportTo(async (chunk) => {
    text += chunk;
  });
  return text;
}

async function openBoth(t: Test, url: string): Promise<{ lite: Db; pg: PostgresDb }> {
  const { openPostgres, migratePostgres } = await postgresEngine();
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-pgwrites-'));
  const lite = openDatabase(path.join(directory, 'gazette.db'));
  migrateDatabase(lite);
  const pg = openPostgres({ url, maxConnections: 4, statementTimeoutMs: 10_000 });
  t.teardown(async () => {
    lite.$client.close();
    rmSync(directory, { recursive: true, force: true });
    await pg.$client.end();
  });
  return migratePostgres(pg).then(() => ({ lite, pg }));
}

/** The record of an ingest made by hand, for a batch no service would send. */

/** A delivery, a lost lease, a failure, a re-send, a subscription disabled and enabled again. */
async function deliver(t: Test, hooks: WebhooksRepository, webhookId: number) {
  const clock = Date.parse('2030-01-01T00:00:00Z');
  const lease = clock + 60_000;
  const attempt = (eventId: number, statusCode: number, redelivery = false): DeliveryAttempt => ({
    ...{ webhookId, eventId, attempt: 1, redelivery, statusCode, durationMs: 12 },
    ...{
      error: statusCode < 300 ? null : `HTTP ${statusCode}`,
      responseBody: 'ok',
      attemptedAt: '2030-01-01T00:00:00.000Z',
    },
  });
  t.same(
    (await hooks.claimDue('a', clock, lease, 10)).map((target) => target.id),
    [webhookId],
  );
  const first = (await hooks.nextEvent(webhookId))!;
  t.equal(await hooks.recordSuccess(attempt(first.id, 200), 'a', lease), true);
  t.equal(
    await hooks.recordSuccess(attempt(first.id, 200), 'b', lease),
    false,
    'a lost lease records nothing',
  );
  const second = (await hooks.nextEvent(webhookId))!;
  t.not(second.id, first.id);
  await hooks.recordFailure(attempt(second.id, 500), 'a', clock, { nextAttemptAt: clock + 10_000 });
  await hooks.queueRedelivery(webhookId, first.id, '2030-01-01T00:00:01.000Z');
  t.equal((await hooks.claimDue('b', clock + 1, lease, 10)).length, 1, 'a queued re-send is due at once');
  const resend = (await hooks.nextRedelivery(webhookId))!;
  await hooks.recordRedelivery(resend.id, attempt(resend.event.id, 204, true), 'b', lease);
  await hooks.release(webhookId, 'b');
  await hooks.claimDue('c', clock + 20_000, clock + 80_000, 10);
  await hooks.recordFailure(attempt(second.id, 410), 'c', clock, { disabledReason: 'gone' });
  t.equal((await hooks.findWebhook(webhookId))?.status, 'disabled');
  await hooks.enableWebhook(webhookId);
  await hooks.claimDue('d', clock + 30_000, clock + 90_000, 10);
  await hooks.release(webhookId, 'd');
  const page = await hooks.listDeliveries(webhookId, { limit: 2 });
  await hooks.listDeliveries(webhookId, { limit: 2, cursor: page.page.next_cursor! });
  await hooks.findEvent(first.id);
  await hooks.listWebhooks();
}

postgresTest(t, 'the PostgreSQL writes store what SQLite stores, event for event', async (t, url) => {
  const { lite, pg } = await openBoth(t, url);
  const { createPostgresWriteRepositories, createPostgresTransferRepository } = await postgresEngine();
  const sqliteRepositories = createRepositories(lite);
  const writes = createPostgresWriteRepositories(pg);
  const drafts: ArticleDraft[] = [];
  const storeArticles = sqliteRepositories.ingest.storeArticles;
  sqliteRepositories.ingest.storeArticles = (items) => {
    drafts.push(...items.map((item) => item.draft));
    return storeArticles(items);
  };
  const repositories: Repositories = {
    ...sqliteRepositories,
    ingest: tee(t, 'ingest', sqliteRepositories.ingest, writes.ingest),
    apiKeys: tee(t, 'apiKeys', sqliteRepositories.apiKeys, writes.apiKeys),
    edits: tee(t, 'edits', sqliteRepositories.edits, writes.edits),
    changes: tee(t, 'changes', sqliteRepositories.changes, writes.changes),
    webhooks: tee(t, 'webhooks', sqliteRepositories.webhooks, writes.webhooks),
    articles: tee(t, 'articles', sqliteRepositories.articles, { deleteArticle: writes.deleteArticle }),
  };
  const config = loadConfig({ DATABASE_URL: 'file::memory:', API_KEYS: 'k'.repeat(32) });
  const services = createServices(repositories, config, testParser());
  const ingest = (raw: string, extra: { idempotencyKey?: string; idempotencyCaller?: string } = {}) =>
    services.ingest.ingestArticle({ raw, contentType: 'text/plain', overrides: {}, ...extra });

  // New articles, a copy of one, the same one again under a key, and its replay.
  const first = plainArticle({
    author: 'Noor "Haddad"',
    tags: ['Harbour works', 'Ferries'],
    date: '2026-03-04',
  });
  const created = await ingest(first);
  await ingest(plainArticle({ author: 'Ines Okafor', tags: ['Ferry', 'Budgets'] }));
  await ingest(first);
  const keyed = plainArticle({ author: 'Lone Writer', tags: ['Only here'] });
  const other = (await ingest(keyed, { idempotencyKey: 'k-1', idempotencyCaller: 'db:1' })).article;
  await ingest(keyed, { idempotencyKey: 'k-1', idempotencyCaller: 'db:1' });
  await ingest(keyed, { idempotencyKey: 'k-1', idempotencyCaller: 'db:2' });
  await services.ingest.ingestMany(
    [plainArticle({ tags: ['Budgets'] }), plainArticle({ author: 'Ines Okafor' })].map((raw) => ({
      raw,
      contentType: 'text/plain',
      overrides: { source_url: `https://example.com/${raw.length}` },
    })),
  );

  // A batch whose middle item fails leaves that one out, and nothing of it, not even an id.
  const draft = (n: number): ArticleDraft => ({
    ...drafts[0]!,
    title: `Hand-made ${n}`,
    slug: `hand-made-${n}`,
    contentHash: `hand-${n}`,
    simhash: `${n}`.repeat(16).slice(0, 16),
  });
  const [good, later] = [draft(1), draft(2)];
  const broken = { ...draft(3), title: null as unknown as string };
  const now = new Date().toISOString();
  const outcomes = await repositories.ingest.storeArticles([
    { draft: good, record: ingestRecordOf('good', now) },
    { draft: broken, record: ingestRecordOf('broken', now) },
    { draft: later, record: ingestRecordOf('later', now) },
  ]);
  t.same(
    outcomes.map((outcome) => outcome.kind),
    ['stored', 'failed', 'stored'],
  );

  // A subscription made now receives every later event.
  const hook = await services.webhooks.create(
    WebhookInput.parse({
      url: 'https://hooks.example.com/gazette',
      event_types: ['article.updated', 'tag.deleted'],
    }),
  );
  await services.ingest.reparseAll();

  // Edits of an article, an author and a tag, with text JSON must escape; a merge.
  const hostile = 'Quotes " and \\ backslash, a\ttab, \u0001 control, é, 😀, \u2028 and </script>';
  const edited = created.article;
  await services.editing.editArticle(String(edited.id), {
    title: 'Harbour works begin at dawn',
    subtitle: hostile,
  });
  await services.editing.editArticle('harbour-works-begin-at-dawn', {
    authors: ['Ines Okafor', 'Noor "Haddad"'],
    tags: ['Harbour works', 'Budgets'],
    published_at: '2026-03-05T06:00:00Z',
  });
  await t.rejects(
    services.editing.editArticle('harbour-works-begin-at-dawn', {
      title: other.title,
      body_text: other.body_text,
    }),
    { status: 409, message: /already has this title and body/ },
    'an edit cannot copy another article, on either engine',
  );
  await services.collectionEditing.editAuthor('noor-haddad', { bio: hostile, name: 'Noor Haddad-Ali' });
  await services.collectionEditing.editTag('budgets', { description: hostile, name: 'Budget' });
  await services.collectionEditing.mergeTag('ferry', 'ferries');
  await services.collectionEditing.mergeTag('budget', 'harbour-works');
  await services.ingest.ingestArticle({
    raw: plainArticle({ tags: ['Ferry', 'Budget'] }),
    contentType: 'text/plain',
    overrides: {},
  });
  await services.apiKeys.revokeKey((await services.apiKeys.createKey('ci', ['ingest'])).id);
  await services.deletion.deleteArticle(String(created.article.id));

  await deliver(t, repositories.webhooks, hook.id);
  await services.webhooks.remove(
    (await services.webhooks.create(WebhookInput.parse({ url: 'https://b.example.com/' }))).id,
  );
  await repositories.changes.latestChangeId();
  for (let after = 0; after < 1000; ) {
    const page = await repositories.changes.listChanges(after, 4);
    if (page.length === 0) break;
    after = page.at(-1)!.id;
  }

  const liteText = await exportText({ transfer: sqliteRepositories.transfer });
  const pgText = await exportText({ transfer: createPostgresTransferRepository(pg) });
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  t.ok(lines(liteText).length > 5, 'the export holds the articles written');
  t.same(lines(pgText), lines(liteText), 'both engines export the same records');

  const liteEvents = lite.$client
    .prepare('SELECT id, type, resource_id, occurred_at, data, superseded FROM events ORDER BY id')
    .all();
  const pgEvents = (
    await pg.$client.query(
      'SELECT id::int AS id, type, resource_id, occurred_at, data, superseded::int AS superseded FROM events ORDER BY id',
    )
  ).rows;
  t.ok(liteEvents.length > 5, 'events were written');
  t.ok(
    liteEvents.some((event) => (event as { data: string }).data.includes('\\u0001 control, é, 😀')),
    'the events carry escaped control characters and unescaped non-ASCII text',
  );
  t.strictSame(
    pgEvents,
    liteEvents,
    'the same events (the superseded ones kept and pruned alike), with byte-identical data',
  );
});

postgresTest(
  t,
  'concurrent PostgreSQL writers: one article per source, a feed with no gaps',
  async (t, url) => {
    const { openPostgres, migratePostgres, createPostgresWriteRepositories } = await postgresEngine();
    const db = openPostgres({ url, maxConnections: 6, statementTimeoutMs: 10_000 });
    t.teardown(() => db.$client.end());
    await migratePostgres(db);
    const { ingest, changes } = createPostgresWriteRepositories(db);
    const draft = (n: number, sourceUrl: string): ArticleDraft => ({
      ...{ slug: `report-${n}`, title: `Report ${n}`, subtitle: null, excerpt: 'An excerpt.' },
      ...{ bodyText: `Body ${n}.`, bodyHtml: `<p>Body ${n}.</p>`, images: [], language: 'en', wordCount: 2 },
      ...{ readingTimeMinutes: 1, publishedAt: null, sourceUrl, contentHash: `hash-${n}` },
      ...{
        simhash: n.toString(16).padStart(16, '0'),
        authors: [],
        tags: [{ name: 'Wire', slug: 'wire', derived: false }],
      },
    });
    const store = (n: number, sourceUrl: string) =>
      ingest.storeArticles([
        { draft: draft(n, sourceUrl), record: ingestRecordOf(`raw-${n}`, new Date().toISOString()) },
      ]);

    const copies = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store(n, 'https://example.com/same')));
    const statuses = copies.map(([outcome]) => (outcome?.kind === 'stored' ? outcome.status : outcome?.kind));
    t.same(statuses.filter((status) => status === 'created').length, 1, 'one copy becomes the article');
    t.same(statuses.filter((status) => status === 'duplicate').length, 5, 'the others are its duplicates');

    // A reader following the feed while writers commit concurrently sees every article they create.
    const seen: number[] = [];
    let writing = true;
    const follow = (async () => {
      let after = 0;
      while (writing || (await changes.listChanges(after, 1)).length > 0) {
        for (const event of await changes.listChanges(after, 50)) {
          if (event.type === 'article.created') seen.push(event.resource_id);
          after = event.id;
        }
      }
    })();
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store(100 + i, `https://example.com/${i}`)),
    );
    writing = false;
    await follow;
    const createdIds = [...copies, ...created].flatMap(([outcome]) =>
      outcome?.kind === 'stored' && outcome.status === 'created' ? [outcome.articleId] : [],
    );
    t.equal(createdIds.length, 41, 'every other source became an article');
    t.same(
      [...seen].sort((a, b) => a - b),
      createdIds.sort((a, b) => a - b),
      'no event was passed over while an earlier one was still to commit',
    );
    t.equal(
      await changes.latestChangeId(),
      Number((await db.$client.query('SELECT max(id) AS m FROM events')).rows[0].m),
    );
  },
);

postgresTest(
  t,
  'a PostgreSQL write that cannot get the write lock answers 503, storing nothing',
  async (t, url) => {
    const { openPostgres, migratePostgres, createPostgresWriteRepositories } = await postgresEngine();
    const db = openPostgres({ url, maxConnections: 2, statementTimeoutMs: 30_000 });
    t.teardown(() => db.$client.end());
    await migratePostgres(db);
    const { apiKeys } = createPostgresWriteRepositories(db);
    const holder = await db.$client.connect();
    // Another process in the middle of a write: it holds the lock every write transaction takes.
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(7202614)');
    const started = Date.now();
    await t.rejects(
      apiKeys.createApiKey({
        name: 'late',
        prefix: 'gz_',
        hash: 'h',
        scopes: ['ingest'],
        now: new Date().toISOString(),
      }),
      { status: 503, message: /retry/ },
    );
    t.ok(Date.now() - started >= 9_000, 'it waited for the lock before giving up');
    await holder.query('ROLLBACK');
    holder.release();
    t.same(await apiKeys.listApiKeys(), [], 'nothing was stored');
    const id = await apiKeys.createApiKey({
      name: 'now',
      prefix: 'gz_',
      hash: 'h',
      scopes: ['ingest'],
      now: '2030-01-01T00:00:00.000Z',
    });
    t.equal((await apiKeys.listApiKeys())[0]?.id, id, 'the next write goes through once the lock is free');
  },
);
