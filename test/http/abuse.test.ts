import t from 'tap';
import { auth, buildTestApp, plainArticle, testApiKey } from '../support/app.js';

const evilHost = 'evil.example"><x';

t.test('rate limits count verified keys by id, everyone else by IP', async (t) => {
  const app = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: '3' });
  const get = (headers: Record<string, string> = {}) => app.inject({ url: '/v1/tags', headers });

  t.equal((await get()).statusCode, 200);
  // Made-up keys, and the same made-up key spelled differently, all spend the IP's budget.
  t.equal((await get({ authorization: 'Bearer made-up-key-0000000000' })).statusCode, 200);
  t.equal((await get({ authorization: 'bearer  made-up-key-0000000000' })).statusCode, 200);
  const limited = await get({ authorization: 'BEARER another-made-up-key' });
  t.equal(limited.statusCode, 429, 'unknown keys buy no new budget');
  t.equal((await get({ authorization: 'Basic Zm9vOmJhcg==' })).statusCode, 429, 'nor do other schemes');

  // A valid key has its own budget, whatever the spelling of the header.
  t.equal((await get(auth)).statusCode, 200);
  t.equal((await get({ authorization: `bearer ${testApiKey}` })).statusCode, 200);
  t.equal((await get({ authorization: `BEARER   ${testApiKey}  ` })).statusCode, 200);
  t.equal((await get(auth)).statusCode, 429, 'one bucket for the key, however it is written');

  for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs', '/docs/json', '/metrics']) {
    for (let n = 0; n < 4; n++) {
      const response = await app.inject(url);
      t.not(response.statusCode, 429, `${url} is never limited`);
    }
  }
});

t.test('feed and link URLs never carry the Host header', async (t) => {
  const ingestSome = async (app: Awaited<ReturnType<typeof buildTestApp>>) => {
    for (const title of ['Harbour dredging starts', 'Harbour dredging ends']) {
      const payload = plainArticle({ title });
      await app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { ...auth, 'content-type': 'text/plain' },
        payload,
      });
    }
  };
  const everyUrl = async (app: Awaited<ReturnType<typeof buildTestApp>>, headers: Record<string, string>) => {
    const texts: string[] = [];
    for (const url of ['/v1/feeds/articles.atom', '/v1/feeds/articles.rss', '/v1/feeds/articles.json']) {
      const response = await app.inject({ url, headers });
      t.equal(response.statusCode, 200, url);
      texts.push(response.body);
    }
    for (const url of ['/v1/articles?limit=1', '/v1/authors?limit=1', '/v1/tags?limit=1']) {
      const response = await app.inject({ url, headers });
      texts.push(String(response.headers.link ?? ''));
    }
    return texts.join('\n');
  };

  t.test('without PUBLIC_URL or a trusted proxy: the listening address', async (t) => {
    const app = await buildTestApp(t);
    await ingestSome(app);
    const text = await everyUrl(app, { host: evilHost, 'x-forwarded-host': 'forwarded.example' });
    t.notMatch(text, /evil|forwarded|<x/);
    t.match(text, 'http://127.0.0.1:3000/v1/feeds/articles.atom');
  });

  t.test('with PUBLIC_URL: that origin and path prefix', async (t) => {
    const app = await buildTestApp(t, {
      PUBLIC_URL: 'https://news.example.com/gazette/',
      TRUST_PROXY: 'true',
    });
    await ingestSome(app);
    const text = await everyUrl(app, { host: evilHost, 'x-forwarded-host': 'forwarded.example' });
    t.notMatch(text, /evil|forwarded|<x/);
    t.match(text, 'https://news.example.com/gazette/v1/feeds/articles.atom');
    t.match(text, /<https:\/\/news\.example\.com\/gazette\/v1\/articles\?limit=1&cursor=[^>]+>; rel="next"/);
  });

  t.test('behind a trusted proxy: its forwarded host, when it is a plain host name', async (t) => {
    const app = await buildTestApp(t, { TRUST_PROXY: 'true' });
    await ingestSome(app);
    const forwarded = await everyUrl(app, {
      host: evilHost,
      'x-forwarded-host': 'news.example.com',
      'x-forwarded-proto': 'https',
    });
    t.match(forwarded, 'https://news.example.com/v1/feeds/articles.atom');
    const hostile = await everyUrl(app, { host: 'ok.example', 'x-forwarded-host': evilHost });
    t.notMatch(hostile, /evil|<x/);
    t.match(hostile, 'http://127.0.0.1:3000/v1/feeds/articles.atom');
  });

  t.test('PUBLIC_URL must be a plain http(s) URL', async (t) => {
    for (const value of ['news.example.com', 'ftp://news.example.com', 'https://news.example.com/?a=1']) {
      await t.rejects(buildTestApp(t, { PUBLIC_URL: value }), /PUBLIC_URL/, value);
    }
  });
});

t.test('security headers everywhere; /docs keeps a CSP it can work with', async (t) => {
  const app = await buildTestApp(t);
  for (const url of ['/v1/articles', '/v1/feeds/articles.atom', '/v1/articles/nope', '/healthz']) {
    const response = await app.inject(url);
    t.equal(response.headers['x-content-type-options'], 'nosniff', url);
    t.match(response.headers['content-security-policy'], /default-src 'none'/, url);
    t.match(response.headers['content-security-policy'], /frame-ancestors 'none'/, url);
    t.ok(response.headers['strict-transport-security'], url);
    t.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url);
  }
  const page = await app.inject('/docs');
  t.equal(page.statusCode, 200);
  const policy = String(page.headers['content-security-policy']);
  t.match(policy, /script-src 'self'(;|$)/, 'scripts from /docs only, none inline');
  t.notMatch(policy, /unsafe-eval|script-src[^;]*unsafe-inline/);
  // Every script and stylesheet the page loads is served from the same origin under that policy.
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  t.ok(assets.some((asset) => asset.endsWith('.js')));
  t.notMatch(page.body, /<script>|<script [^>]*>[^<\s]/, 'no inline script');
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is same-origin`);
    const response = await app.inject(new URL(asset, 'http://localhost/docs').pathname);
    t.equal(response.statusCode, 200, asset);
  }
  t.equal((await app.inject('/docs/json')).statusCode, 200, 'the document the page fetches');
});

t.test('every wrong media type is a 415 problem', async (t) => {
  const app = await buildTestApp(t);
  const cases: [string, string | undefined, string][] = [
    ['/v1/ingest/batch', 'text/plain', 'hello'],
    ['/v1/ingest/batch', 'application/json', '{"raw": "x"}'],
    ['/v1/ingest/batch', 'text/html', '<p>x</p>'],
    ['/v1/ingest/batch', undefined, ''],
    ['/v1/ingest/batch', 'multipart/form-data; boundary=x', '--x--'],
    ['/v1/ingest', 'application/x-ndjson', '{"raw": "x"}\n'],
    ['/v1/ingest', 'application/xml', '<a/>'],
    ['/v1/ingest', 'application/x-www-form-urlencoded', 'raw=x'],
    ['/v1/ingest', undefined, ''],
  ];
  for (const [url, type, payload] of cases) {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
      payload,
    });
    t.equal(response.statusCode, 415, `${type} to ${url}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.match(response.json(), { status: 415, title: 'Unsupported Media Type' });
  }
  const anonymous = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { 'content-type': 'text/plain' },
    payload: 'x',
  });
  t.equal(anonymous.statusCode, 401, 'the key is checked first');
  const right = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { ...auth, 'content-type': 'application/x-ndjson; charset=utf-8' },
    payload: `${JSON.stringify({ raw: plainArticle() })}\n`,
  });
  t.equal(right.statusCode, 200, 'parameters on the right type are fine');
});
