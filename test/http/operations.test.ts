import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { auth, buildTestApp, databaseUrlOf, plainArticle, testEngine, testParser } from '../support/app.js';
import { freshDatabase, queryOn } from '../support/database.js';

t.test('errors are problem+json everywhere', async (t) => {
  const app = await buildTestApp(t);

  t.test('unknown route → 404 problem', async (t) => {
    const response = await app.inject('/v2/everything');
    t.equal(response.statusCode, 404);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.match(response.json(), {
      type: 'http://127.0.0.1:3000/problems/not-found',
      title: 'Not Found',
      status: 404,
      instance: '/v2/everything',
    });
  });

  t.test('known path, wrong method → 405 problem with Allow', async (t) => {
    const response = await app.inject({ method: 'PUT', url: '/v1/articles/some-slug' });
    t.equal(response.statusCode, 405);
    t.equal(response.headers.allow, 'DELETE, GET, HEAD, PATCH');
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.match(response.json(), { status: 405, title: 'Method Not Allowed' });
  });

  t.test('a request id comes back on every response', async (t) => {
    const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    t.equal(response.headers['x-request-id'], 'abc-123');
    t.match((await app.inject('/nope')).headers['x-request-id'], /^[0-9a-f-]{36}$/);
  });

  t.test("a client's request id is kept only when it is up to 200 visible ASCII characters", async (t) => {
    const longest = `Root=1-5759e988;${'a'.repeat(184)}`;
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': longest } });
    t.equal(kept.headers['x-request-id'], longest);
    for (const sent of ['a'.repeat(201), 'two words', 'quote"d', 'back\\slash', 'caf\u00e9', '']) {
      const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': sent } });
      t.match(response.headers['x-request-id'], /^[0-9a-f-]{36}$/, JSON.stringify(sent));
    }
  });

  t.test('a server fault is a 500 problem without internals', async (t) => {
    const original = app.services.catalog.getTag;
    app.services.catalog.getTag = async () => {
      throw new Error('database exploded at /secret/path');
    };
    t.teardown(() => {
      app.services.catalog.getTag = original;
    });
    const response = await app.inject('/v1/tags/anything');
    t.equal(response.statusCode, 500);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.notMatch(response.body, /secret|exploded|at /);
  });
});

t.test('/healthz and /readyz', async (t) => {
  const app = await buildTestApp(t);

  t.same((await app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok', checks: { database: true, migrations: true, storage: true } });

  // Another process rolls the schema back: the service must stop claiming readiness.
  const other = await queryOn(t, databaseUrlOf(app));
  // Where each engine's migrator records what it applied.
  await other(
    testEngine() === 'sqlite'
      ? 'DELETE FROM __drizzle_migrations'
      : 'DELETE FROM drizzle.__drizzle_migrations',
  );
  const stale = await app.inject('/readyz');
  t.equal(stale.statusCode, 503);
  t.same(stale.json(), {
    status: 'unavailable',
    checks: { database: true, migrations: false, storage: true },
  });
});

t.test(
  'RATE_LIMIT_PER_MINUTE answers 429 problems with Retry-After past the limit, per client',
  async (t) => {
    const app = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: '2' });
    t.equal((await app.inject('/v1/tags')).statusCode, 200);
    t.equal((await app.inject('/v1/tags')).statusCode, 200);
    const limited = await app.inject('/v1/tags');
    t.equal(limited.statusCode, 429);
    t.match(limited.headers['content-type'], /^application\/problem\+json/);
    t.match(limited.headers['retry-after'], /^\d+$/);
    t.match(limited.json(), {
      status: 429,
      title: 'Too Many Requests',
      detail: /More than 2 requests a minute/,
    });
    const withKey = await app.inject({ url: '/v1/tags', headers: auth });
    t.equal(withKey.statusCode, 200, 'a client with a valid key has its own budget');
  },
);

t.test('requests the router itself refuses are problems too', async (t) => {
  const app = await buildTestApp(t);
  for (const [url, status] of [
    ['/v1/articles/%E0%A4%A', 400],
    [`/v1/articles/${'a'.repeat(300)}`, 414],
  ] as const) {
    const response = await app.inject(url);
    t.equal(response.statusCode, status, url.slice(0, 30));
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json().status, status);
  }
  const noType = await app.inject({ method: 'POST', url: '/v1/ingest', headers: auth, payload: 'hello' });
  t.equal(noType.statusCode, 415);
  t.match(noType.json().detail, /no Content-Type/);
});

t.test('shutting down does not wait for a keep-alive connection whose answer was under way', async (t) => {
  const database = await freshDatabase();
  t.teardown(database.remove);
  // Closed by the test itself, so not through buildTestApp (whose teardown would close it again).
  const app = await buildApp(loadConfig({ DATABASE_URL: database.url }), {
    logger: false,
    parser: testParser(),
  });
  const { article } = await app.services.ingest.ingestArticle({
    raw: plainArticle({ title: 'Lighthouse keepers hand over the lamp' }),
    contentType: 'text/plain',
    overrides: {},
  });
  const { catalog } = app.services;
  const getArticle = catalog.getArticle;
  let reached = () => {};
  const reading = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let answer = () => {};
  const answering = new Promise<void>((resolve) => {
    answer = resolve;
  });
  catalog.getArticle = async (...args) => {
    reached();
    await answering;
    return getArticle(...args);
  };
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  // fetch keeps its connection alive, as browsers and proxies do.
  const read = fetch(`${address}/v1/articles/${article.slug}`);
  await reading;
  const started = Date.now();
  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  answer();
  const response = await read;
  t.equal(response.status, 200, 'the answer under way is sent');
  await closed;
  const elapsed = Date.now() - started;
  t.ok(elapsed < 3000, `closed in ${elapsed} ms, not at the connection's keep-alive timeout`);
});
