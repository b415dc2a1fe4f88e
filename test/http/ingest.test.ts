import t from 'tap';
import { auth, buildTestApp, plainArticle, testApiKey } from '../support/app.js';

const post = (
  payload: string | Buffer,
  contentType: string,
  extra: { url?: string; headers?: Record<string, string> } = {},
) => ({
  method: 'POST' as const,
  url: extra.url ?? '/v1/ingest',
  headers: { ...auth, 'content-type': contentType, ...extra.headers },
  payload,
});

t.test('POST /v1/ingest', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_BYTES: '4096' });
  const articleCount = async () => (await app.inject('/v1/articles?include_total=true')).json().page.total;

  t.test('text/plain → 201 with the article and an ingest report', async (t) => {
    const raw = plainArticle({
      title: 'Dockworkers vote to end strike',
      author: 'Priya Raman',
      date: 'March 3, 2026',
    });
    const response = await app.inject(
      post(raw, 'text/plain; charset=utf-8', {
        url: '/v1/ingest?source_url=https://news.example.com/2026/03/03/dock',
      }),
    );
    t.equal(response.statusCode, 201);
    const { article, ingest } = response.json();
    t.equal(article.title, 'Dockworkers vote to end strike');
    t.equal(article.slug, 'dockworkers-vote-to-end-strike');
    t.same(
      article.authors.map((author: { name: string }) => author.name),
      ['Priya Raman'],
    );
    t.equal(article.published_at, '2026-03-03T00:00:00.000Z');
    t.equal(article.source_url, 'https://news.example.com/2026/03/03/dock');
    t.match(ingest, { status: 'created', duplicate_of: null, parser_version: String });
    t.equal(ingest.fields.title, 'plain:first-block');

    t.test('GET /v1/ingests/{id} shows provenance', async (t) => {
      const provenance = await app.inject({ url: `/v1/ingests/${ingest.id}`, headers: auth });
      t.equal(provenance.statusCode, 200);
      t.match(provenance.json(), {
        id: ingest.id,
        status: 'created',
        article_id: article.id,
        content_type: 'text/plain; charset=utf-8',
        source_url: 'https://news.example.com/2026/03/03/dock',
        raw_sha256: /^[0-9a-f]{64}$/,
        fields: { title: 'plain:first-block' },
      });
      t.equal((await app.inject({ url: '/v1/ingests/999999', headers: auth })).statusCode, 404);
      t.equal((await app.inject({ url: `/v1/ingests/${ingest.id}` })).statusCode, 401);
    });

    t.test('the same source_url again → 200 duplicate with the existing article', async (t) => {
      const again = await app.inject(
        post(plainArticle({ title: 'A different text entirely about docks' }), 'text/plain', {
          url: '/v1/ingest?source_url=https://news.example.com/2026/03/03/dock',
        }),
      );
      t.equal(again.statusCode, 200);
      t.equal(again.json().ingest.status, 'duplicate');
      t.equal(again.json().article.id, article.id);
    });

    t.test('the same content again → 200 duplicate', async (t) => {
      const again = await app.inject(post(raw, 'text/plain'));
      t.equal(again.statusCode, 200);
      t.equal(again.json().ingest.status, 'duplicate');
      t.equal(again.json().article.id, article.id);
    });
  });

  t.test('application/json with explicit fields overriding the parser', async (t) => {
    const response = await app.inject(
      post(
        JSON.stringify({
          raw: plainArticle({ title: 'Wind farm approved off the northern coast', author: 'Someone Else' }),
          content_type: 'text/plain',
          source_url: 'https://news.example.com/2026/04/01/wind',
          published_at: '2026-04-01T08:00:00+02:00',
          tags: ['Energy', 'Coast'],
          authors: [{ name: 'Tomás Ferreira', bio: 'Tomás Ferreira writes about energy.' }],
        }),
        'application/json',
      ),
    );
    t.equal(response.statusCode, 201);
    const { article, ingest } = response.json();
    t.equal(article.published_at, '2026-04-01T06:00:00.000Z');
    t.same(
      article.authors.map((author: { name: string }) => author.name),
      ['Tomás Ferreira'],
    );
    t.same(
      article.tags
        .filter((tag: { derived: boolean }) => !tag.derived)
        .map((tag: { name: string }) => tag.name),
      ['Energy', 'Coast'],
    );
    t.equal(ingest.fields.authors, 'request');
    const author = (await app.inject('/v1/authors/tomas-ferreira')).json();
    t.equal(author.bio, 'Tomás Ferreira writes about energy.');
  });

  t.test('text/html is parsed for its main content', async (t) => {
    const html = `<!doctype html><html><head><title>Site</title></head><body><nav><a href="/">Home</a><a href="/news">News</a></nav>
      <article><h1>Museum reopens after two years of repairs</h1>
      <p>The city museum reopened its doors on Saturday after a two year restoration of its roof and galleries.</p>
      <p>Visitors queued from early morning to see the restored ceiling paintings in the main hall.</p>
      <p>The director said the repairs came in under budget and ahead of the schedule agreed with the council.</p></article>
      <footer>Copyright Example News</footer></body></html>`;
    const response = await app.inject(post(html, 'text/html'));
    t.equal(response.statusCode, 201);
    const { article } = response.json();
    t.equal(article.title, 'Museum reopens after two years of repairs');
    t.notMatch(article.body_text, /Home|Copyright/);
  });

  t.test('?dry_run=true parses and stores nothing', async (t) => {
    const before = await articleCount();
    const response = await app.inject(
      post(plainArticle({ title: 'A dry run about canal locks' }), 'text/plain', {
        url: '/v1/ingest?dry_run=true',
      }),
    );
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.equal(body.article.title, 'A dry run about canal locks');
    t.equal(body.ingest.status, 'dry_run');
    t.notOk('id' in body.article);
    t.equal(await articleCount(), before);
  });

  t.test('Idempotency-Key returns the first result; reusing it for other content → 409', async (t) => {
    const raw = plainArticle({ title: 'Idempotent report on harbour tolls' });
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await app.inject(post(raw, 'text/plain', { headers }));
    const second = await app.inject(post(raw, 'text/plain', { headers }));
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 201);
    t.same(second.json(), first.json());
    const other = await app.inject(post(plainArticle(), 'text/plain', { headers }));
    t.equal(other.statusCode, 409);
    t.match(other.headers['content-type'], /^application\/problem\+json/);
  });

  t.test(
    'Idempotency-Key is per API key: two keys sending one name each get their own article',
    async (t) => {
      const { key } = await app.services.apiKeys.createKey('second scraper', ['ingest']);
      const mine = { 'idempotency-key': 'shared-name' };
      const theirs = { ...mine, authorization: `Bearer ${key}` };
      const ownRaw = plainArticle({ title: 'Harbour tolls rise for cruise ships' });
      const otherRaw = plainArticle({ title: 'Ferry timetable changes for the winter' });
      const first = await app.inject(post(ownRaw, 'text/plain', { headers: mine }));
      const other = await app.inject(post(otherRaw, 'text/plain', { headers: theirs }));
      t.equal(first.statusCode, 201);
      t.equal(other.statusCode, 201, 'not a 409: the other key never used this name');
      t.not(other.json().article.id, first.json().article.id);
      const replayed = await app.inject(post(ownRaw, 'text/plain', { headers: mine }));
      const otherReplayed = await app.inject(post(otherRaw, 'text/plain', { headers: theirs }));
      t.same(replayed.json(), first.json(), 'the same key replays its own result');
      t.same(otherReplayed.json(), other.json());
    },
  );

  const badInputs: [
    string,
    { payload: string | Buffer; contentType: string; headers?: Record<string, string> },
    number,
    RegExp,
  ][] = [
    ['empty body', { payload: '', contentType: 'text/plain' }, 422, /empty/i],
    ['whitespace body', { payload: '  \n\t  ', contentType: 'text/plain' }, 422, /empty/i],
    ['empty JSON body', { payload: '', contentType: 'application/json' }, 422, /empty/i],
    [
      'binary bytes as text',
      {
        payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        contentType: 'text/plain',
      },
      415,
      /PNG file, not text/,
    ],
    ['an unsupported media type', { payload: '%PDF-1.4', contentType: 'application/pdf' }, 415, /./],
    ['malformed JSON', { payload: '{"raw": "x",', contentType: 'application/json' }, 400, /not valid JSON/],
    ['JSON without raw', { payload: '{"tags": ["x"]}', contentType: 'application/json' }, 400, /raw/],
    [
      'JSON with unknown fields',
      { payload: JSON.stringify({ raw: plainArticle(), colour: 'red' }), contentType: 'application/json' },
      400,
      /colour/,
    ],
    ['a body over BODY_LIMIT_BYTES', { payload: 'x'.repeat(5000), contentType: 'text/plain' }, 413, /./],
    [
      'text with no article in it',
      { payload: 'Home\nNews\nSport\nContact', contentType: 'text/plain' },
      422,
      /./,
    ],
  ];
  for (const [name, input, status, detail] of badInputs) {
    t.test(`${name} → ${status} problem, nothing stored`, async (t) => {
      const before = await articleCount();
      const response = await app.inject(
        post(input.payload, input.contentType, { headers: input.headers ?? {} }),
      );
      t.equal(response.statusCode, status);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      const problem = response.json();
      t.equal(problem.status, status);
      t.match(problem.detail, detail);
      t.equal(await articleCount(), before);
    });
  }
});

t.test('ingest needs an API key with the ingest scope', async (t) => {
  const app = await buildTestApp(t);
  const raw = plainArticle();
  const attempt = (authorization?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'text/plain', ...(authorization ? { authorization } : {}) },
      payload: raw,
    });

  const missing = await attempt();
  t.equal(missing.statusCode, 401);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);
  t.equal((await attempt('Bearer not-a-real-key')).statusCode, 401);
  t.equal((await attempt(`Basic ${testApiKey}`)).statusCode, 401);

  const reader = await app.services.apiKeys.createKey('reader', ['write']);
  const forbidden = await attempt(`Bearer ${reader.key}`);
  t.equal(forbidden.statusCode, 403);
  t.match(forbidden.json().detail, /ingest/);

  const ingester = await app.services.apiKeys.createKey('scraper', ['ingest']);
  t.equal((await attempt(`Bearer ${ingester.key}`)).statusCode, 201);
  await app.services.apiKeys.revokeKey(ingester.id);
  t.equal((await attempt(`Bearer ${ingester.key}`)).statusCode, 401);

  const keys = await app.services.apiKeys.listKeys();
  t.notMatch(JSON.stringify(keys), ingester.key, 'keys are never listed in full');
});

t.test('the key is checked before the body is read', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_BYTES: '4096' });
  const response = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { 'content-type': 'application/pdf' },
    payload: 'x'.repeat(10_000),
  });
  t.equal(response.statusCode, 401, 'neither the size nor the media type is looked at first');
});

t.test('single-media-type ingest routes, the JSON batch and snake_case reports', async (t) => {
  const app = await buildTestApp(t);

  t.test('/v1/ingest/text stores the body raw and names report fields in snake_case', async (t) => {
    const raw = plainArticle({ title: 'Ferry pier reopens after repairs', date: 'March 9, 2026' });
    const response = await app.inject(post(raw, 'text/plain', { url: '/v1/ingest/text' }));
    t.equal(response.statusCode, 201);
    const { article, ingest } = response.json();
    t.equal(article.title, 'Ferry pier reopens after repairs');
    t.ok(ingest.fields.published_at, 'published_at names the date rule');
    t.notOk(
      Object.keys(ingest.fields).some((key) => /[A-Z]/.test(key)),
      'no camelCase keys',
    );
    const stored = (await app.inject({ url: `/v1/ingests/${ingest.id}`, headers: auth })).json();
    t.same(Object.keys(stored.fields).sort(), Object.keys(ingest.fields).sort());
  });

  t.test('/v1/ingest/html takes HTML only; other media types are a 415', async (t) => {
    const json = await app.inject(post('"hello"', 'application/json', { url: '/v1/ingest/html' }));
    t.equal(json.statusCode, 415);
    t.match(json.json().detail, /send text\/html/);
    const batch = await app.inject(post('x', 'text/plain', { url: '/v1/ingest/batch' }));
    t.equal(batch.statusCode, 415);
  });

  t.test('/v1/ingest/batch.json answers one result per item, in order', async (t) => {
    const items = [{ raw: plainArticle({ title: 'Tram depot gets solar roof' }) }, { raw: 'too short' }];
    const response = await app.inject(
      post(JSON.stringify({ items }), 'application/json', { url: '/v1/ingest/batch.json' }),
    );
    t.equal(response.statusCode, 200);
    const { results } = response.json();
    t.match(results, [
      { line: 1, status: 'created', article_id: Number, problem: null },
      { line: 2, status: 'rejected', article_id: null, problem: { status: 422 } },
    ]);
    const empty = await app.inject(
      post('{"items": []}', 'application/json', { url: '/v1/ingest/batch.json' }),
    );
    t.equal(empty.statusCode, 400);
  });

  t.test('sparse fields are JSON', async (t) => {
    const response = await app.inject('/v1/articles?fields=id,title');
    t.match(response.headers['content-type'], /^application\/json/);
  });
});
