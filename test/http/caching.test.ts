import t from 'tap';
import { ifNoneMatchAllows } from '../../src/http/caching.js';
import { auth, buildTestApp, plainArticle } from '../support/app.js';

t.test('conditional GET and caching headers', async (t) => {
  const app = await buildTestApp(t);
  const { article } = await app.services.ingest.ingestArticle({
    raw: plainArticle({ title: 'Tram line extension opens to the harbour' }),
    contentType: 'text/plain',
    overrides: { tags: ['Transport'], authors: ['Ines Duarte'], published_at: '2026-03-01T08:00:00.000Z' },
  });

  t.test('GET one article: strong ETag, public max-age=300, Last-Modified from updated_at', async (t) => {
    const response = await app.inject(`/v1/articles/${article.slug}`);
    t.equal(response.statusCode, 200);
    t.match(response.headers.etag, /^"[A-Za-z0-9_-]{22}"$/);
    t.equal(response.headers['cache-control'], 'public, max-age=300');
    t.equal(response.headers['last-modified'], new Date(article.updated_at).toUTCString());
    const again = await app.inject(`/v1/articles/${article.slug}`);
    t.equal(again.headers.etag, response.headers.etag, 'the same bytes give the same tag');
  });

  t.test('lists: ETag and public max-age=60, different tags for different representations', async (t) => {
    const all = await app.inject('/v1/articles');
    t.equal(all.headers['cache-control'], 'public, max-age=60');
    t.match(all.headers.etag, /^"/);
    t.equal(all.headers['last-modified'], undefined);
    const filtered = await app.inject('/v1/articles?tag=no-such-tag');
    t.not(filtered.headers.etag, all.headers.etag);
    for (const url of ['/v1/authors', '/v1/tags', '/v1/tags/transport', '/v1/authors/ines-duarte']) {
      const response = await app.inject(url);
      t.match(response.headers.etag, /^"/, url);
      t.match(response.headers['cache-control'], /^public, max-age=(60|300)$/, url);
    }
    t.equal((await app.inject('/v1/tags/transport')).headers['cache-control'], 'public, max-age=300');
  });

  t.test('If-None-Match with the current tag → 304, empty body, same ETag and Cache-Control', async (t) => {
    const first = await app.inject(`/v1/articles/${article.id}`);
    const etag = first.headers.etag as string;
    const cases = [etag, `"stale", ${etag}`, `W/${etag}`, '*'];
    for (const ifNoneMatch of cases) {
      const response = await app.inject({
        url: `/v1/articles/${article.id}`,
        headers: { 'if-none-match': ifNoneMatch },
      });
      t.equal(response.statusCode, 304, ifNoneMatch);
      t.equal(response.body, '');
      t.equal(response.headers.etag, etag);
      t.equal(response.headers['cache-control'], 'public, max-age=300');
    }
  });

  t.test('If-None-Match with other tags → 200 with the body', async (t) => {
    for (const ifNoneMatch of ['"stale"', '"a", "b"', 'garbage']) {
      const response = await app.inject({ url: '/v1/articles', headers: { 'if-none-match': ifNoneMatch } });
      t.equal(response.statusCode, 200, ifNoneMatch);
      t.ok(response.json().data.length);
    }
  });

  t.test('If-Modified-Since is honoured, and If-None-Match wins over it', async (t) => {
    const url = `/v1/articles/${article.slug}`;
    const later = new Date(Date.parse(article.updated_at) + 60_000).toUTCString();
    const earlier = new Date(Date.parse(article.updated_at) - 60_000).toUTCString();
    t.equal((await app.inject({ url, headers: { 'if-modified-since': later } })).statusCode, 304);
    t.equal((await app.inject({ url, headers: { 'if-modified-since': earlier } })).statusCode, 200);
    t.equal((await app.inject({ url, headers: { 'if-modified-since': 'not a date' } })).statusCode, 200);
    const stale = await app.inject({ url, headers: { 'if-modified-since': later, 'if-none-match': '"x"' } });
    t.equal(stale.statusCode, 200);
  });

  t.test('HEAD behaves like GET: same headers, 304 when current', async (t) => {
    const get = await app.inject('/v1/articles');
    const head = await app.inject({ method: 'HEAD', url: '/v1/articles' });
    t.equal(head.statusCode, 200);
    t.equal(head.body, '');
    t.equal(head.headers.etag, get.headers.etag);
    t.equal(head.headers['cache-control'], 'public, max-age=60');
    const conditional = await app.inject({
      method: 'HEAD',
      url: '/v1/articles',
      headers: { 'if-none-match': get.headers.etag as string },
    });
    t.equal(conditional.statusCode, 304);
  });

  t.test('problems, health checks and authenticated reads are not cached publicly', async (t) => {
    const missing = await app.inject('/v1/articles/no-such-article');
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers.etag, undefined);
    t.equal(missing.headers['cache-control'], undefined);
    const invalid = await app.inject({ url: '/v1/articles?limit=0', headers: { 'if-none-match': '*' } });
    t.equal(invalid.statusCode, 400, 'If-None-Match: * never turns an error into a 304');
    for (const url of ['/healthz', '/readyz']) {
      const response = await app.inject(url);
      t.equal(response.headers.etag, undefined, url);
      t.equal(response.headers['cache-control'], undefined, url);
    }
    const ingest = await app.inject({ url: '/v1/ingests/1', headers: auth });
    t.equal(ingest.statusCode, 200);
    t.equal(ingest.headers['cache-control'], 'private, no-store');
    t.equal(ingest.headers.etag, undefined);
    const unauthorized = await app.inject('/v1/ingests/1');
    t.equal(unauthorized.statusCode, 401);
    t.equal(unauthorized.headers['cache-control'], undefined);
  });

  t.test('a change to the resource changes its ETag', async (t) => {
    const before = (await app.inject('/v1/tags')).headers.etag;
    await app.services.ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: { tags: ['Harbours'] },
    });
    t.not((await app.inject('/v1/tags')).headers.etag, before);
  });
});

t.test('ifNoneMatchAllows uses the weak comparison of RFC 9110', async (t) => {
  t.ok(ifNoneMatchAllows('"abc"', '"abc"'));
  t.ok(ifNoneMatchAllows('W/"abc"', '"abc"'));
  t.ok(ifNoneMatchAllows(' "x" ,W/"abc" ', '"abc"'));
  t.ok(ifNoneMatchAllows('*', '"abc"'));
  t.notOk(ifNoneMatchAllows('"abcd"', '"abc"'));
  t.notOk(ifNoneMatchAllows('abc', '"abc"'));
  t.notOk(ifNoneMatchAllows('', '"abc"'));
});
