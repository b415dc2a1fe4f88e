import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { statusTitles } from '../../src/lib/errors.js';
import { auth, buildTestApp, plainArticle, testApiKey } from '../support/app.js';

const elsewhere = 'https://reader.example.org';

/** Enough articles that a page of them is well over the compression threshold. */
async function ingestSome(app: Awaited<ReturnType<typeof buildTestApp>>, count: number) {
  const results: Awaited<ReturnType<typeof app.services.ingest.ingestArticle>>[] = [];
  for (let index = 0; index < count; index++) {
    results.push(
      await app.services.ingest.ingestArticle({
        raw: plainArticle({ tags: ['Libraries'], author: 'Nadia Quist' }),
        contentType: 'text/plain',
        overrides: { published_at: `2026-02-${String(index + 1).padStart(2, '0')}T08:00:00.000Z` },
      }),
    );
  }
  return results;
}

t.test('CORS: public reads from any origin, writes only from CORS_ORIGINS', async (t) => {
  const app = await buildTestApp(t, { CORS_ORIGINS: 'https://newsroom.example.com' });

  const read = await app.inject({ url: '/v1/tags', headers: { origin: elsewhere } });
  t.equal(read.statusCode, 200);
  t.equal(read.headers['access-control-allow-origin'], '*');
  const exposed = String(read.headers['access-control-expose-headers']).split(/,\s*/);
  for (const header of ['ETag', 'Link', 'Retry-After', 'X-Request-Id'])
    t.ok(exposed.includes(header), header);
  t.notMatch(
    String(read.headers.vary ?? ''),
    /origin/i,
    'a public read is the same for every origin: shared caches keep one copy',
  );

  const readPreflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/articles',
    headers: {
      origin: elsewhere,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'if-none-match',
    },
  });
  t.equal(readPreflight.statusCode, 204, 'a preflight is answered 204, not 405');
  t.equal(readPreflight.headers['access-control-allow-origin'], '*');
  t.match(readPreflight.headers['access-control-allow-methods'], /GET/);
  t.match(readPreflight.headers['access-control-allow-headers'], /if-none-match/);

  const writePreflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/ingest',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
  const refused = await writePreflight(elsewhere);
  t.equal(refused.statusCode, 204);
  t.equal(refused.headers['access-control-allow-origin'], undefined, 'an unlisted origin may not write');
  const allowed = await writePreflight('https://newsroom.example.com');
  t.equal(allowed.statusCode, 204);
  t.equal(allowed.headers['access-control-allow-origin'], 'https://newsroom.example.com');
  t.match(allowed.headers['access-control-allow-methods'], /POST/);
  t.match(allowed.headers['access-control-allow-headers'], /authorization/);
  t.match(allowed.headers.vary, /origin/i, 'the answer depends on the origin, so caches must know');

  const write = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, origin: 'https://newsroom.example.com', 'content-type': 'text/plain' },
    payload: plainArticle(),
  });
  t.equal(write.statusCode, 201);
  t.equal(write.headers['access-control-allow-origin'], 'https://newsroom.example.com');
  t.match(write.headers.vary, /origin/i);
  const foreignWrite = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, origin: elsewhere, 'content-type': 'text/plain' },
    payload: plainArticle({ title: 'A write from a page elsewhere' }),
  });
  t.equal(foreignWrite.headers['access-control-allow-origin'], undefined, 'the browser keeps the answer');

  const plainOptions = await app.inject({ method: 'OPTIONS', url: '/v1/articles' });
  t.equal(plainOptions.statusCode, 204, 'OPTIONS without a preflight is not an error either');
  t.equal((await app.inject('/v2/nothing')).statusCode, 404, 'unknown paths are still 404, not 405');
});

t.test('CORS_ORIGINS=* lets any origin write; problems and 429s carry CORS headers', async (t) => {
  const app = await buildTestApp(t, { CORS_ORIGINS: '*', RATE_LIMIT_PER_MINUTE: '1' });
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/ingest',
    headers: { origin: elsewhere, 'access-control-request-method': 'POST' },
  });
  t.equal(preflight.headers['access-control-allow-origin'], '*');
  await app.inject({ url: '/v1/tags', headers: { origin: elsewhere } });
  const limited = await app.inject({ url: '/v1/tags', headers: { origin: elsewhere } });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['access-control-allow-origin'], '*', 'the page can read its 429');
  t.match(limited.headers['access-control-expose-headers'], /Retry-After/);
});

t.test('compression: br and gzip above 1 KB, a distinct ETag per coding, 304s for each', async (t) => {
  const app = await buildTestApp(t);
  await ingestSome(app, 8);

  const identity = await app.inject('/v1/articles?limit=8');
  t.equal(identity.headers['content-encoding'], undefined);
  t.ok(identity.rawPayload.length > 1024, 'the page is over the threshold');
  const identityTag = identity.headers.etag as string;

  for (const [coding, decode] of [
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const) {
    const response = await app.inject({
      url: '/v1/articles?limit=8',
      headers: { 'accept-encoding': coding },
    });
    t.equal(response.statusCode, 200);
    t.equal(response.headers['content-encoding'], coding);
    t.match(response.headers.vary, /accept-encoding/i);
    t.ok(response.rawPayload.length < identity.rawPayload.length / 2, `${coding} is much smaller`);
    t.equal(decode(response.rawPayload).toString(), identity.body, `${coding} decodes to the same JSON`);
    const codedTag = response.headers.etag as string;
    t.equal(codedTag, identityTag.replace(/"$/, `-${coding}"`), 'its own strong tag');

    const revalidated = await app.inject({
      url: '/v1/articles?limit=8',
      headers: { 'accept-encoding': coding, 'if-none-match': codedTag },
    });
    t.equal(revalidated.statusCode, 304, `If-None-Match with the ${coding} tag`);
    t.equal(revalidated.headers.etag, codedTag, 'the 304 names the tag the client holds');
    t.match(revalidated.headers.vary, /accept-encoding/i);
  }
  const plainRevalidation = await app.inject({
    url: '/v1/articles?limit=8',
    headers: { 'accept-encoding': 'gzip', 'if-none-match': identityTag },
  });
  t.equal(plainRevalidation.statusCode, 304, 'the uncompressed tag still validates');
  t.equal(plainRevalidation.headers.etag, identityTag);
  const changed = await app.inject({
    url: '/v1/articles?limit=8',
    headers: { 'accept-encoding': 'gzip', 'if-none-match': identityTag.replace(/"$/, 'x-gzip"') },
  });
  t.equal(changed.statusCode, 200, 'a coded tag of another representation does not match');

  const tiny = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } });
  t.equal(tiny.headers['content-encoding'], undefined, 'tiny bodies go out as they are');

  const feed = await app.inject({ url: '/v1/feeds/articles.atom', headers: { 'accept-encoding': 'gzip' } });
  t.equal(feed.headers['content-encoding'], 'gzip');
  t.match(gunzipSync(feed.rawPayload).toString(), /^<\?xml/);

  const unknown = Array.from({ length: 80 }, (_, index) => `unknown_parameter_${index}=1`).join('&');
  const problem = await app.inject({ url: `/v1/articles?${unknown}`, headers: { 'accept-encoding': 'br' } });
  t.equal(problem.statusCode, 400);
  t.equal(problem.headers['content-encoding'], 'br');
  t.match(problem.headers['content-type'], /^application\/problem\+json/);
  t.equal(JSON.parse(brotliDecompressSync(problem.rawPayload).toString()).status, 400);

  const batch = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { ...auth, 'content-type': 'application/x-ndjson', 'accept-encoding': 'gzip' },
    payload: Array.from({ length: 12 }, () => JSON.stringify({ raw: plainArticle() })).join('\n'),
  });
  t.equal(batch.statusCode, 200);
  t.equal(batch.headers['content-encoding'], undefined, 'NDJSON results stream out uncompressed');
});

t.test('401 and 403 carry WWW-Authenticate: Bearer', async (t) => {
  const app = await buildTestApp(t);
  const missing = await app.inject({ method: 'POST', url: '/v1/ingest', payload: 'x' });
  t.equal(missing.statusCode, 401);
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="gazette"');
  const wrong = await app.inject({
    url: '/v1/ingests/1',
    headers: { authorization: 'Bearer nope-nope-nope' },
  });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.headers['www-authenticate'], 'Bearer realm="gazette", error="invalid_token"');
  const { key } = await app.services.apiKeys.createKey('editor', ['write']);
  const scoped = await app.inject({ url: '/v1/ingests/1', headers: { authorization: `Bearer ${key}` } });
  t.equal(scoped.statusCode, 403);
  t.equal(scoped.headers['www-authenticate'], 'Bearer realm="gazette", error="insufficient_scope"');
  const fine = await app.inject({ url: '/v1/tags', headers: { authorization: `Bearer ${testApiKey}` } });
  t.equal(fine.headers['www-authenticate'], undefined);
});

t.test('every problem type resolves to a page on the server that explains it', async (t) => {
  const app = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: '3', BODY_LIMIT_BYTES: '1024' });
  const requests = [
    { url: '/v1/articles?limit=0' },
    { method: 'POST', url: '/v1/ingest', payload: 'x' },
    { url: '/v1/articles/nope' },
    { method: 'PUT', url: '/v1/articles/nope' },
    { url: `/v1/articles/${'a'.repeat(300)}` },
    {
      method: 'POST',
      url: '/v1/ingest',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'x'.repeat(4096),
    },
    { method: 'POST', url: '/v1/ingest', headers: { ...auth, 'content-type': 'image/png' }, payload: 'x' },
    { method: 'POST', url: '/v1/ingest', headers: { ...auth, 'content-type': 'text/plain' }, payload: ' ' },
    { url: '/v1/tags' },
    { url: '/v1/tags' },
  ];
  const seen = new Map<number, string>();
  for (const request of requests) {
    const response = await app.inject(request as InjectOptions);
    if (response.statusCode < 400) continue;
    const problem = response.json() as { type: string; status: number; title: string };
    t.equal(problem.status, response.statusCode);
    seen.set(problem.status, problem.type);
  }
  t.same(
    [...seen.keys()].sort(),
    [400, 401, 404, 405, 413, 414, 415, 422, 429],
    'these requests produce these problems',
  );
  for (const [status, type] of seen) {
    const url = new URL(type);
    t.equal(url.origin, 'http://127.0.0.1:3000', `${status}: an absolute URL on this server`);
    const page = await app.inject(url.pathname);
    t.equal(page.statusCode, 200, `${type} resolves`);
    t.match(page.headers['content-type'], /^text\/html/);
    t.match(page.body, `<h1>${status} ${statusTitles[status]}</h1>`);
  }
  const index = await app.inject('/problems');
  for (const [status, title] of Object.entries(statusTitles)) {
    const href = index.body.match(new RegExp(`href="(/problems/[a-z-]+)">${status} ${title}<`))?.[1];
    t.ok(href, `/problems lists ${status}`);
    t.equal((await app.inject(href ?? '/nowhere')).statusCode, 200, `${href} resolves`);
  }
  const none = await app.inject('/problems/no-such-problem');
  t.equal(none.statusCode, 404);
  t.match(none.headers['content-type'], /^application\/problem\+json/);
});

t.test('health, readiness, metrics, the document and the docs are never rate-limited', async (t) => {
  const app = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: '1' });
  for (const url of [
    '/healthz',
    '/readyz',
    '/metrics',
    '/openapi.json',
    '/docs',
    '/',
    '/problems/not-found',
  ]) {
    for (let attempt = 0; attempt < 3; attempt++) {
      t.equal((await app.inject(url)).statusCode, 200, `${url} #${attempt + 1}`);
    }
  }
  t.equal((await app.inject('/v1/tags')).statusCode, 200);
  t.equal((await app.inject('/v1/tags')).statusCode, 429, 'the API itself still is');
});

t.test('GET / lists the entry points and links the OpenAPI document', async (t) => {
  const app = await buildTestApp(t);
  const response = await app.inject({ url: '/', headers: { host: 'gazette.test:8080' } });
  t.equal(response.statusCode, 200);
  const index = response.json();
  t.equal(index.links.articles, 'http://127.0.0.1:3000/v1/articles', 'the listening address, not Host');
  t.match(response.headers.link, /<http:\/\/127\.0\.0\.1:3000\/openapi\.json>; rel="service-desc"/);
  t.match(response.headers.link, /<http:\/\/127\.0\.0\.1:3000\/docs>; rel="service-doc"/);
  for (const link of [
    index.links.openapi,
    index.links.articles,
    index.links.readiness,
    index.links.feeds.atom,
    index.links.changes,
  ]) {
    t.equal((await app.inject(new URL(link).pathname)).statusCode, 200, link);
  }
  t.equal(index.links.webhooks, 'http://127.0.0.1:3000/v1/webhooks');
  t.equal((await app.inject(new URL(index.links.webhooks).pathname)).statusCode, 401, 'webhooks need a key');
  const catalog = await app.inject('/.well-known/api-catalog');
  t.match(catalog.headers['content-type'], /^application\/linkset\+json/);
  t.equal(catalog.json().linkset[0]['service-desc'][0].href, 'http://127.0.0.1:3000/openapi.json');
  t.ok((await app.inject('/openapi.json')).json().paths['/'], 'the index is in the document');
});

t.test('Link headers are absolute, from the forwarded host only behind TRUST_PROXY', async (t) => {
  const forwarded = {
    'x-forwarded-host': 'news.example.com',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.9',
  };
  const proxied = await buildTestApp(t, { TRUST_PROXY: 'true' });
  await ingestSome(proxied, 3);
  const behindProxy = await proxied.inject({ url: '/v1/articles?limit=2', headers: forwarded });
  const cursor = behindProxy.json().page.next_cursor;
  t.equal(
    behindProxy.headers.link,
    `<https://news.example.com/v1/articles?limit=2&cursor=${cursor}>; rel="next"`,
  );
  t.match(
    (await proxied.inject({ url: '/nope', headers: forwarded })).json().type,
    /^https:\/\/news\.example\.com\//,
  );

  const direct = await buildTestApp(t);
  await ingestSome(direct, 3);
  const spoofed = await direct.inject({ url: '/v1/articles?limit=2', headers: forwarded });
  t.match(
    spoofed.headers.link,
    /^<http:\/\/127\.0\.0\.1:3000\/v1\/articles\?/,
    'forwarded headers are ignored',
  );
});

t.test('/docs is branded as Gazette', async (t) => {
  const app = await buildTestApp(t);
  const page = await app.inject('/docs/');
  t.equal(page.statusCode, 200);
  t.match(page.body, '<title>Gazette API</title>');
  t.notMatch(page.body, /Swagger UI<\/title>|favicon-32x32\.png/);
  const icon = page.body.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/)?.[1];
  t.ok(icon, 'a Gazette favicon');
  t.match((await app.inject(`/docs/${icon!.replace(/^\.?\//, '')}`)).body, /<svg/);
  const initializer = await app.inject('/docs/static/swagger-initializer.js');
  const logo = initializer.body.match(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/)?.[1];
  t.match(Buffer.from(logo ?? '', 'base64').toString(), />Gazette</, 'the topbar logo is Gazette’s');
});

/** Every key of every object in a JSON value, with its path. */
function keysOf(value: unknown, path = '$'): { key: string; path: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keysOf(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [{ key, path }, ...keysOf(item, `${path}.${key}`)]);
}

t.test('every JSON response uses snake_case names', async (t) => {
  const app = await buildTestApp(t);
  const [first] = await ingestSome(app, 2);
  const json = (payload: object) => ({ ...auth, 'content-type': 'application/json', payload });
  const ingested = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: {
      raw: plainArticle(),
      published_at: '2026-03-01T10:00:00Z',
      source_url: 'https://example.com/a',
    },
  });
  t.equal(ingested.statusCode, 201);
  t.equal(ingested.json().ingest.fields.published_at, 'request', 'the explicit date is reported as such');
  t.notOk('publishedAt' in ingested.json().ingest.fields);
  const responses = [
    ingested,
    await app.inject('/'),
    await app.inject('/readyz'),
    await app.inject('/v1/articles?q=council&facets=tag,author,month&include_total=true'),
    await app.inject('/v1/articles?fields=id,title,published_at'),
    await app.inject(`/v1/articles/${first!.article.slug}`),
    await app.inject(`/v1/articles/${first!.article.slug}/related`),
    await app.inject('/v1/authors'),
    await app.inject('/v1/tags'),
    await app.inject('/v1/feeds/articles.json'),
    await app.inject({ url: `/v1/ingests/${ingested.json().ingest.id}`, headers: auth }),
    await app.inject({
      method: 'POST',
      url: '/v1/ingest?dry_run=true',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: plainArticle(),
    }),
    await app.inject({ method: 'POST', url: '/v1/ingest', ...json({ raw: '' }) }),
    await app.inject('/v1/articles?limit=abc'),
  ];
  // Facet values and feed items are data (slugs, months, JSON Feed's own names), not API names.
  const dataMaps = /\.(facets\.[a-z]+|items\[\d+\])$|^\$\.(version|home_page_url|feed_url)$/;
  for (const response of responses) {
    const body = response.json();
    const offending = keysOf(body).filter(
      ({ key, path }) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(key) && !dataMaps.test(path),
    );
    t.same(offending, [], `${response.statusCode} ${response.headers['content-type']}`);
  }
});
