import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { encodeCursor } from '../../src/lib/cursor.js';
import {
  auth,
  buildTestApp,
  checkedAgainstDocument,
  databaseUrlOf,
  ingestText,
  plainArticle,
  testApiKey,
  testEngine,
  testParser,
} from '../support/app.js';
import { freshDatabase, queryOn } from '../support/database.js';

interface Event {
  id: number;
  type: string;
  resource_id: number;
  occurred_at: string;
  data: Record<string, unknown>;
}
interface ChangePage {
  data: Event[];
  page: { next_cursor: string; limit: number };
}

async function changes(app: FastifyInstance, query = ''): Promise<ChangePage> {
  const response = await app.inject(`/v1/changes${query}`);
  if (response.statusCode !== 200)
    throw new Error(`changes answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** Every event, a page of `limit` at a time, from the start. */
async function allChanges(app: FastifyInstance, limit: number): Promise<Event[]> {
  const events: Event[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await changes(app, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    events.push(...page.data);
    if (page.data.length === 0) return events;
    cursor = page.page.next_cursor;
  }
}

/** The cursor past the newest event, as a consumer that has caught up holds it. */
async function tailCursor(app: FastifyInstance): Promise<string> {
  let cursor = (await changes(app, '?limit=100')).page.next_cursor;
  for (;;) {
    const page = await changes(app, `?limit=100&cursor=${cursor}`);
    if (page.data.length === 0) return cursor;
    cursor = page.page.next_cursor;
  }
}

/** An app on the database at `url` that the test closes itself (buildTestApp's teardown would close it again). */
async function appOn(url: string) {
  const config = loadConfig({ DATABASE_URL: url, API_KEYS: testApiKey });
  return checkedAgainstDocument(await buildApp(config, { logger: false, parser: testParser() }));
}

t.test('GET /v1/changes', async (t) => {
  const app = await buildTestApp(t);

  t.test('an empty feed: no events, a cursor all the same, and no caching without asking', async (t) => {
    const response = await app.inject('/v1/changes');
    t.equal(response.statusCode, 200);
    t.equal(response.headers['cache-control'], 'no-cache');
    t.match(response.headers.etag, /^"/);
    const page = response.json() as ChangePage;
    t.same(page.data, []);
    t.equal(page.page.limit, 20);
    t.equal(page.page.next_cursor, encodeCursor([0]));
    t.match(response.headers.link, /<http:\/\/[^>]+\/v1\/changes\?cursor=WzBd>; rel="next"/);
    const again = await app.inject({
      url: '/v1/changes',
      headers: { 'if-none-match': response.headers.etag! },
    });
    t.equal(again.statusCode, 304);
  });

  const first = await ingestText(
    app,
    plainArticle({ title: 'Tram line extension opens to riders', author: 'Mira Olsen', tags: ['Trams'] }),
  );

  t.test('an ingest: its author, its tag, then the article with both bodies, in that order', async (t) => {
    const { data } = await changes(app);
    t.same(
      data.map((event) => [event.type, event.resource_id]),
      [
        ['author.created', (data[0]!.data as { id: number }).id],
        ['tag.created', (data[1]!.data as { id: number }).id],
        ['article.created', first.id],
      ],
    );
    t.match(data[0]!.data, { name: 'Mira Olsen', slug: 'mira-olsen', bio: null });
    t.notOk('article_count' in data[0]!.data, 'an author event leaves the derived count out');
    t.match(data[1]!.data, { name: 'Trams', slug: 'trams' });
    const served = await app.inject(`/v1/articles/${first.id}?fields=${articleFields.join(',')}`);
    t.same(data[2]!.data, served.json(), 'the article event is the article as served, body_text included');
    t.ok(
      data.every((event, index) => index === 0 || event.id > data[index - 1]!.id),
      'ids strictly increase',
    );
  });

  t.test('a duplicate ingest writes nothing new', async (t) => {
    const before = await allChanges(app, 100);
    const raw = plainArticle({ title: 'Ferry timetable changes for winter' });
    await ingestText(app, raw);
    await ingestText(app, raw);
    const after = await allChanges(app, 100);
    t.equal(after.length, before.length + 1, 'only the first copy is an event');
  });

  t.test('paging with limit=1 walks the same sequence as one big page', async (t) => {
    await ingestText(app, plainArticle({ author: 'Jonas Reyes', tags: ['Harbour', 'Weather'] }));
    const whole = await allChanges(app, 100);
    t.ok(whole.length >= 6);
    t.same(await allChanges(app, 1), whole);
    const firstTwo = await changes(app, '?limit=2');
    t.equal(firstTwo.data.length, 2);
    t.equal(firstTwo.page.limit, 2);
    const rest = await changes(app, `?limit=100&cursor=${firstTwo.page.next_cursor}`);
    t.same([...firstTwo.data, ...rest.data], whole);
    t.same((await changes(app, `?cursor=${rest.page.next_cursor}`)).page.next_cursor, rest.page.next_cursor);
  });

  t.test(
    'a deletion: a tombstone that stays, and the article events before it are no longer served',
    async (t) => {
      const doomed = await ingestText(app, plainArticle({ title: 'Bridge repairs close the east lane' }));
      const cursor = await tailCursor(app);
      const deleted = await app.inject({ method: 'DELETE', url: `/v1/articles/${doomed.id}`, headers: auth });
      t.equal(deleted.statusCode, 204);
      const events = await allChanges(app, 100);
      const ofDoomed = events.filter(
        (event) => event.type.startsWith('article.') && event.resource_id === doomed.id,
      );
      t.same(
        ofDoomed.map((event) => event.type),
        ['article.deleted'],
      );
      t.match(ofDoomed[0]!.data, { id: doomed.id, slug: doomed.slug, deleted_at: String });
      t.notOk(
        JSON.stringify(events).includes('Bridge repairs'),
        "the deleted article's text is gone from the feed",
      );
      const since = await changes(app, `?cursor=${cursor}`);
      t.same(
        since.data.map((event) => [event.type, event.resource_id]),
        [['article.deleted', doomed.id]],
        'a consumer past the creation sees the deletion',
      );
    },
  );

  t.test('bad parameters → 400 problems naming them', async (t) => {
    const cases: [string, string][] = [
      ['?limit=0', 'query.limit'],
      ['?limit=101', 'query.limit'],
      ['?limit=ten', 'query.limit'],
      ['?wait=31', 'query.wait'],
      ['?wait=-1', 'query.wait'],
      ['?wait=1.5', 'query.wait'],
      ['?cursor=not-a-cursor', 'query.cursor'],
      [`?cursor=${encodeCursor(['2026-01-01', 4])}`, 'query.cursor'],
      [`?cursor=${encodeCursor([-1])}`, 'query.cursor'],
      [`?cursor=${encodeCursor([1.5])}`, 'query.cursor'],
      ['?since=3', 'query.since'],
    ];
    for (const [query, name] of cases) {
      const response = await app.inject(`/v1/changes${query}`);
      t.equal(response.statusCode, 400, query);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.match(
        response.json(),
        { status: 400, errors: [{ path: new RegExp(name.replace('.', '\\.')) }] },
        query,
      );
    }
  });

  t.test('a cursor past the newest event (a restored database, another server) → 409', async (t) => {
    const ahead = encodeCursor([1_000_000]);
    for (const query of [`?cursor=${ahead}`, `?cursor=${ahead}&wait=5`]) {
      const started = Date.now();
      const response = await app.inject(`/v1/changes${query}`);
      t.equal(response.statusCode, 409, query);
      t.match(response.json(), {
        status: 409,
        detail: /past the newest event/,
        errors: [{ path: 'query.cursor' }],
      });
      t.ok(Date.now() - started < 2000, 'refused at once, not after the wait');
    }
  });

  t.test('wait: answers as soon as an event lands', async (t) => {
    const cursor = await tailCursor(app);
    const started = Date.now();
    const held = changes(app, `?cursor=${cursor}&wait=20`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const article = await ingestText(app, plainArticle({ title: 'Night buses return to the airport route' }));
    const page = await held;
    const elapsed = Date.now() - started;
    t.ok(elapsed < 5000, `answered after ${elapsed} ms, not at the deadline`);
    t.ok(page.data.some((event) => event.type === 'article.created' && event.resource_id === article.id));
  });

  t.test('wait: an empty page with the same cursor when the time is up', async (t) => {
    const cursor = await tailCursor(app);
    const started = Date.now();
    const page = await changes(app, `?cursor=${cursor}&wait=1`);
    const elapsed = Date.now() - started;
    t.same(page.data, []);
    t.equal(page.page.next_cursor, cursor);
    t.ok(elapsed >= 950 && elapsed < 4000, `waited ${elapsed} ms`);
  });

  t.test('wait=0 or a page with events answers at once', async (t) => {
    const started = Date.now();
    t.ok((await changes(app, '?wait=30')).data.length > 0);
    t.same((await changes(app, `?cursor=${await tailCursor(app)}&wait=0`)).data, []);
    t.ok(Date.now() - started < 2000);
  });

  t.test("wait: sees another process's writes to the same database within about a second", async (t) => {
    const other = await appOn(databaseUrlOf(app));
    t.teardown(() => other.close());
    const cursor = await tailCursor(app);
    const started = Date.now();
    const held = changes(app, `?cursor=${cursor}&wait=20`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = Date.now();
    const article = await ingestText(other, plainArticle({ title: 'Ferry crews vote on a new rota' }));
    const page = await held;
    const seenAfter = Date.now() - written;
    t.ok(
      seenAfter < 2500,
      `seen ${seenAfter} ms after the other app's ingest (${Date.now() - started} ms in all)`,
    );
    t.ok(page.data.some((event) => event.type === 'article.created' && event.resource_id === article.id));
  });
});

/** What `fields` must name for the served article to carry everything an article event does. */
const articleFields = [
  'id',
  'slug',
  'title',
  'subtitle',
  'excerpt',
  'images',
  'authors',
  'tags',
  'language',
  'word_count',
  'reading_time_minutes',
  'published_at',
  'source_url',
  'content_hash',
  'created_at',
  'updated_at',
  'body_text',
  'body_html',
];

t.test('closing the server ends held requests at once', async (t) => {
  const database = await freshDatabase();
  t.teardown(database.remove);
  const app = await appOn(database.url);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const held = [fetch(`${address}/v1/changes?wait=30`), fetch(`${address}/v1/changes?wait=30&limit=5`)];
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  await app.close();
  const responses = await Promise.all(held);
  const elapsed = Date.now() - started;
  t.ok(elapsed < 3000, `closed in ${elapsed} ms`);
  for (const response of responses) {
    t.equal(response.status, 200);
    const page = (await response.json()) as ChangePage;
    t.same(page.data, [], 'an empty page, its cursor kept');
    t.equal(page.page.next_cursor, encodeCursor([0]));
  }
});

t.test('a write that rolls back leaves no event', async (t) => {
  const app = await buildTestApp(t);
  // Refuses one ingest record: the last statement of an ingest, after its events are written.
  const query = await queryOn(t, databaseUrlOf(app));
  // The same trigger in each engine's dialect: PostgreSQL's body is a function of its own.
  if (testEngine() === 'sqlite') {
    await query(`CREATE TRIGGER refuse_ingest BEFORE INSERT ON ingests
      WHEN NEW.source_url LIKE '%refused%' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
  } else {
    await query(`CREATE FUNCTION refuse_ingest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.source_url LIKE '%refused%' THEN RAISE EXCEPTION 'refused for the test'; END IF;
      RETURN NEW; END $$`);
    await query(`CREATE TRIGGER refuse_ingest BEFORE INSERT ON ingests
      FOR EACH ROW EXECUTE FUNCTION refuse_ingest()`);
  }

  const line = (title: string, author: string, tag: string, url: string) =>
    JSON.stringify({
      raw: plainArticle({ title, author, tags: [tag] }),
      content_type: 'text/plain',
      source_url: `https://news.example.com/${url}`,
    });
  const batch = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    payload: [
      line('Harbour dredging starts in spring', 'Ada Brenner', 'Dredging', 'kept-1'),
      line('Lighthouse keeper retires after forty years', 'Odile Marchetti', 'Lighthouses', 'refused'),
      line('Fish market moves to the old depot', 'Pavel Dane', 'Markets', 'kept-2'),
    ].join('\n'),
  });
  t.equal(batch.statusCode, 200);
  const results = batch.body
    .trim()
    .split('\n')
    .map((result) => JSON.parse(result) as { status: string });
  t.same(
    results.map((result) => result.status),
    ['created', 'rejected', 'created'],
  );

  const single = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: line(
      'Lighthouse keeper retires after forty years',
      'Odile Marchetti',
      'Lighthouses',
      'refused-2',
    ),
  });
  t.equal(single.statusCode, 500);

  const events = await allChanges(app, 100);
  t.same(
    events.map((event) => event.type),
    ['author.created', 'tag.created', 'article.created', 'author.created', 'tag.created', 'article.created'],
  );
  const text = JSON.stringify(events);
  t.notOk(/Odile|Lighthouse/.test(text), 'nothing of the refused ingest is in the feed');
  t.ok(/Ada Brenner/.test(text) && /Pavel Dane/.test(text));
});

t.test('past CHANGES_MAX_WAITING held requests, a wait answers 503 with Retry-After at once', async (t) => {
  const app = await buildTestApp(t, { CHANGES_MAX_WAITING: '1' });
  const cursor = await tailCursor(app);
  const held = changes(app, `?cursor=${cursor}&wait=20`);
  // Time for the held request to reach its wait.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = Date.now();
  const refused = await app.inject(`/v1/changes?cursor=${cursor}&wait=20`);
  t.ok(Date.now() - started < 2000, 'refused at once');
  t.equal(refused.statusCode, 503);
  t.equal(refused.headers['retry-after'], '5');
  t.match(refused.json(), { status: 503, detail: /as it allows \(1\)/ });
  t.equal(
    (await app.inject(`/v1/changes?cursor=${cursor}`)).statusCode,
    200,
    'reads without wait still answer',
  );
  const article = await ingestText(app, plainArticle({ title: 'Harbour lights repaired before the winter' }));
  t.ok(
    (await held).data.some((event) => event.resource_id === article.id),
    'the held request still answers',
  );
});
