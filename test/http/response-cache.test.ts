import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { caching } from '../../src/http/caching.js';
import { compression } from '../../src/http/compression.js';
import { publicUrl } from '../../src/http/public-url.js';
import { responseCache } from '../../src/http/response-cache.js';
import { auth, buildTestApp, databaseUrlOf, plainArticle } from '../support/app.js';
import { queryOn } from '../support/database.js';
import { countCompressions } from '../support/zlib-calls.js';

/** Counts the catalog reads behind each request: a response served from memory makes none. */
function countReads(app: FastifyInstance): { reads: number } {
  const counter = { reads: 0 };
  const catalog = app.services.catalog;
  const { getArticle, listArticles } = catalog;
  catalog.getArticle = (...args) => {
    counter.reads++;
    return getArticle(...args);
  };
  catalog.listArticles = (...args) => {
    counter.reads++;
    return listArticles(...args);
  };
  return counter;
}

/**
 * A bare app with the response cache in front of its routes, registered as Gazette registers it
 * (after public URLs and the caching hooks; after compression too when `compress`).
 */
async function cachedApp(
  t: { teardown: (fn: () => unknown) => void },
  dataVersion: () => string,
  { compress = false } = {},
) {
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(publicUrl, { config: loadConfig({ PUBLIC_URL: 'https://news.example.com' }) });
  if (compress) await app.register(compression);
  await app.register(caching);
  await app.register(responseCache, { dataVersion, maxBytes: 1024 * 1024 });
  return app;
}

async function withArticle(app: FastifyInstance, title: string) {
  return (
    await app.services.ingest.ingestArticle({
      raw: plainArticle({ title }),
      contentType: 'text/plain',
      overrides: { published_at: '2026-03-01T08:00:00.000Z' },
    })
  ).article;
}

t.test('public article reads are kept from their second request until the database changes', async (t) => {
  const app = await buildTestApp(t);
  const article = await withArticle(app, 'Night ferry timetable returns for the summer');
  const counter = countReads(app);

  for (const url of [
    `/v1/articles/${article.slug}`,
    '/v1/articles?limit=5',
    `/v1/articles/${article.id}`,
    `/v1/articles/${article.id}?fields=id,title,body_text`,
  ]) {
    const before = counter.reads;
    const first = await app.inject(url);
    await app.inject(url);
    t.equal(counter.reads, before + 2, `${url}: the first two answers read`);
    const again = await app.inject(url);
    t.equal(counter.reads, before + 2, `${url}: the third answer reads nothing`);
    t.equal(again.body, first.body, `${url}: the same bytes`);
    t.equal(again.headers.etag, first.headers.etag, `${url}: the same ETag`);
    t.equal(again.headers['content-type'], first.headers['content-type']);
    t.equal(again.headers['cache-control'], first.headers['cache-control']);
    t.equal(again.headers['last-modified'], first.headers['last-modified']);
    t.not(again.headers['x-request-id'], first.headers['x-request-id'], `${url}: a request id of its own`);
    t.equal(again.headers['x-content-type-options'], 'nosniff', `${url}: security headers still sent`);

    const revalidated = await app.inject({
      url,
      headers: { 'if-none-match': first.headers.etag as string },
    });
    t.equal(revalidated.statusCode, 304, `${url}: a client's current copy still gets 304`);
  }

  t.test('a commit through Gazette shows at once', async (t) => {
    const newer = await withArticle(app, 'Harbour cranes replaced after forty years');
    const list = (await app.inject('/v1/articles?limit=5')).json();
    t.ok(
      list.data.some((item: { id: number }) => item.id === newer.id),
      'the new article is on the cached page',
    );
  });

  t.test('a commit from another connection shows at once', async (t) => {
    const query = await queryOn(t, databaseUrlOf(app));
    t.equal((await app.inject(`/v1/articles/${article.slug}`)).json().title, article.title);
    await query(
      'UPDATE articles SET title = ? WHERE id = ?',
      'Night ferry timetable changed elsewhere',
      article.id,
    );
    t.equal(
      (await app.inject(`/v1/articles/${article.slug}`)).json().title,
      'Night ferry timetable changed elsewhere',
    );
  });

  t.test('a request with a key is answered afresh, never from memory', async (t) => {
    await app.inject('/v1/articles?limit=3');
    await app.inject('/v1/articles?limit=3');
    const before = counter.reads;
    await app.inject({ url: '/v1/articles?limit=3', headers: auth });
    t.equal(counter.reads, before + 1);
  });

  t.test('links in the bytes follow the public origin of each request', async (t) => {
    const proxied = await buildTestApp(t, { TRUST_PROXY: 'true' });
    await withArticle(proxied, 'Tram depot opens to visitors');
    await withArticle(proxied, 'Tram depot closes for the winter');
    const next = async (host: string) =>
      (await proxied.inject({ url: '/v1/articles?limit=1', headers: { 'x-forwarded-host': host } })).headers
        .link;
    t.match(await next('news.example.com'), /^<http:\/\/news\.example\.com\//);
    t.match(await next('mirror.example.org'), /^<http:\/\/mirror\.example\.org\//);
  });
});

t.test('rate limits apply to answers from memory', async (t) => {
  const app = await buildTestApp(t, { RATE_LIMIT_PER_MINUTE: '3' });
  const article = await withArticle(app, 'Lighthouse keepers return to the coast');
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await app.inject(`/v1/articles/${article.slug}`)).statusCode);
  t.same(statuses, [200, 200, 200, 429]);
});

t.test('RESPONSE_CACHE_MB bounds what is kept; 0 keeps nothing', async (t) => {
  const off = await buildTestApp(t, { RESPONSE_CACHE_MB: '0' });
  const article = await withArticle(off, 'Bridge repairs close the east lane');
  const counter = countReads(off);
  await off.inject(`/v1/articles/${article.slug}`);
  await off.inject(`/v1/articles/${article.slug}`);
  t.equal(counter.reads, 2, 'with 0, every request reads');

  // With 1 MB, no single response may take more than a quarter of it.
  const small = await buildTestApp(t, { RESPONSE_CACHE_MB: '1' });
  const paragraph = 'The harbour board met again on Tuesday to discuss the timetable and the fares. ';
  const long = await small.services.ingest.ingestArticle({
    raw: `Harbour board minutes published in full\n\n${Array.from({ length: 4000 }, () => paragraph).join('\n\n')}`,
    contentType: 'text/plain',
    overrides: {},
  });
  const shortOne = await withArticle(small, 'Ferry fares unchanged this year');
  const smallCounter = countReads(small);
  for (const slug of [
    long.article.slug,
    long.article.slug,
    long.article.slug,
    shortOne.slug,
    shortOne.slug,
    shortOne.slug,
  ]) {
    t.equal((await small.inject(`/v1/articles/${slug}`)).statusCode, 200);
  }
  t.equal(smallCounter.reads, 5, 'the 300 KB article is read each time, the short one until it is kept');
});

/** Sixty-one articles of about 25 KB: 1 MB of response cache holds about forty of them. */
async function popularAndSixtyOthers(app: FastifyInstance) {
  const longArticle = async (title: string) =>
    (
      await app.services.ingest.ingestArticle({
        raw: `${title}\n\n${Array.from({ length: 300 }, (_, i) => `${title}, paragraph ${i}: the tide came in and went out again.`).join('\n\n')}`,
        contentType: 'text/plain',
        overrides: {},
      })
    ).article;
  const popular = await longArticle('Harbour webcam back online');
  const others = [];
  for (let i = 0; i < 60; i++) others.push(await longArticle(`Tide table for day ${i + 1} of the season`));
  return { popular, others };
}

t.test('one-off reads are not kept, and what is read again outlives the rest', async (t) => {
  // 1 MB holds about forty of these 25 KB articles; the reads below go over sixty others.
  const app = await buildTestApp(t, { RESPONSE_CACHE_MB: '1' });
  const { popular, others } = await popularAndSixtyOthers(app);
  const counter = countReads(app);
  await app.inject(`/v1/articles/${popular.slug}`);
  await app.inject(`/v1/articles/${popular.slug}`);
  for (const other of others) await app.inject(`/v1/articles/${other.slug}`);
  t.equal(counter.reads, 2 + others.length, 'every first read goes to the database');
  await app.inject(`/v1/articles/${popular.slug}`);
  t.equal(counter.reads, 2 + others.length, 'the popular article is still kept');
  await app.inject(`/v1/articles/${others[0]!.slug}`);
  await app.inject(`/v1/articles/${others[0]!.slug}`);
  t.equal(counter.reads, 3 + others.length, 'a second read keeps an article');

  // Now each of the others is read a second time, so kept: more than the cache holds.
  for (const other of others.slice(1)) await app.inject(`/v1/articles/${other.slug}`);
  const reads = counter.reads;
  await app.inject(`/v1/articles/${popular.slug}`);
  t.equal(counter.reads, reads, 'the popular article, read since it was kept, outlives newer ones');
  await app.inject(`/v1/articles/${others[1]!.slug}`);
  t.equal(counter.reads, reads + 1, 'an older one never read again went first');
});

t.test(
  'over real connections, bytes sent from memory are given back, so the cache keeps taking new ones',
  async (t) => {
    const app = await buildTestApp(t, { RESPONSE_CACHE_MB: '1' });
    const { popular, others } = await popularAndSixtyOthers(app);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const get = async (slug: string) => {
      const response = await fetch(`${base}/v1/articles/${slug}`);
      return { status: response.status, body: await response.text() };
    };
    const counter = countReads(app);
    const first = await get(popular.slug);
    await get(popular.slug);
    const fromMemory = await get(popular.slug);
    t.equal(counter.reads, 2, 'the third read came from memory, lent to its response');
    t.equal(fromMemory.body, first.body, 'with the same bytes');
    // Each kept twice: 1.5 MB through a 1 MB block, so the writes wrap past the popular article's
    // space; had its loan not come back when its response closed, nothing more would be kept.
    for (const other of others) {
      await get(other.slug);
      await get(other.slug);
    }
    const reads = counter.reads;
    const last = others.at(-1)!;
    t.equal((await get(last.slug)).status, 200);
    t.equal(counter.reads, reads, 'the newest is answered from memory');
  },
);

t.test(
  'a first read does not ask for the data version, so reads spread over an archive pay nothing for it',
  async (t) => {
    let version = 1;
    let versionChecks = 0;
    const app = await cachedApp(t, () => {
      versionChecks++;
      return String(version);
    });
    let reads = 0;
    app.get('/v1/notes/:id', { config: { responseCache: true } }, async (request) => {
      reads++;
      return { id: (request.params as { id: string }).id, version };
    });

    for (let id = 1; id <= 3; id++) await app.inject(`/v1/notes/${id}`);
    t.equal(versionChecks, 0, 'three first reads: no version asked');
    t.equal(reads, 3);

    await app.inject('/v1/notes/1');
    t.equal(versionChecks, 1, 'a second read asks, to keep the answer');
    const kept = await app.inject('/v1/notes/1');
    t.equal(versionChecks, 2, 'an answer from memory asks, to know it is current');
    t.equal(reads, 4, 'the third read came from memory');
    t.same(kept.json(), { id: '1', version: 1 });

    version = 2;
    const fresh = await app.inject('/v1/notes/1');
    t.equal(reads, 5, 'after a change the kept answer is not sent');
    t.same(fresh.json(), { id: '1', version: 2 });
    t.equal((await app.inject('/v1/notes/1')).json().version, 2, 'and the fresh one is kept in its place');
    t.equal(reads, 5);
  },
);

t.test('requests for a URL being answered wait for that answer instead of asking again', async (t) => {
  let version = 1;
  const app = await cachedApp(t, () => String(version));
  let reads = 0;
  let failNext = false;
  let opened = Promise.resolve();
  let open = () => {};
  const closeGate = () => {
    opened = new Promise((resolve) => {
      open = resolve;
    });
  };
  app.get('/v1/searches/:q', { config: { responseCache: true } }, async (request, reply) => {
    reads++;
    const fail = failNext;
    failNext = false;
    await opened;
    if (fail) return reply.code(503).send({ detail: 'too slow' });
    return { q: (request.params as { q: string }).q, version, reads };
  });
  /** Whether the handler has been entered `count` times within a second. */
  const readsReach = async (count: number) => {
    const deadline = Date.now() + 1000;
    while (reads < count && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    return reads >= count;
  };
  const together = (url: string, count: number) =>
    Promise.all(Array.from({ length: count }, () => app.inject(url)));

  await app.inject('/v1/searches/ferries');
  closeGate();
  const waiting = together('/v1/searches/ferries', 10);
  t.ok(await readsReach(2));
  open();
  const answers = await waiting;
  t.equal(reads, 2, 'ten requests at once after the first: one more read');
  t.same(new Set(answers.map((answer) => answer.statusCode)), new Set([200]));
  t.equal(new Set(answers.map((answer) => answer.body)).size, 1, 'all got the same bytes');
  t.equal(new Set(answers.map((answer) => answer.headers.etag)).size, 1, 'and the same ETag');
  t.ok(answers[0]!.headers.etag);

  await app.inject('/v1/searches/tides');
  closeGate();
  failNext = true;
  const afterFailure = together('/v1/searches/tides', 5);
  t.ok(await readsReach(4));
  open();
  const statuses = (await afterFailure).map((answer) => answer.statusCode).sort();
  t.same(statuses, [200, 200, 200, 200, 503], 'when the answer fails, the others ask for themselves');
  t.equal(reads, 3 + 5);

  await app.inject('/v1/searches/harbour');
  closeGate();
  const before = reads;
  const old = app.inject('/v1/searches/harbour');
  t.ok(await readsReach(before + 1));
  version = 2;
  const fresh = app.inject('/v1/searches/harbour');
  t.ok(await readsReach(before + 2), 'after a change a request does not wait for an answer read before it');
  open();
  t.equal((await old).json().version, 2);
  t.equal((await fresh).json().version, 2);
});

t.test('over real connections, a waiting client or the one being answered may hang up', async (t) => {
  // Closing waits for no client's keep-alive connection: this test is about the hang-ups.
  const app = Fastify({ forceCloseConnections: true });
  t.teardown(() => app.close());
  await app.register(publicUrl, { config: loadConfig({ PUBLIC_URL: 'https://news.example.com' }) });
  await app.register(caching);
  await app.register(responseCache, { dataVersion: () => '1', maxBytes: 1024 * 1024 });
  let reads = 0;
  let open = () => {};
  let opened = Promise.resolve();
  app.get('/v1/searches/:q', { config: { responseCache: true } }, async (request) => {
    reads++;
    await opened;
    return { q: (request.params as { q: string }).q };
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const get = (q: string, signal?: AbortSignal) =>
    fetch(`${base}/v1/searches/${q}`, { signal }).then(async (response) => ({
      status: response.status,
      body: await response.text(),
    }));
  const gate = () => {
    opened = new Promise((resolve) => {
      open = resolve;
    });
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  await get('ferries');
  gate();
  const leader = get('ferries');
  await settle();
  const goneWaiter = new AbortController();
  const gone = get('ferries', goneWaiter.signal).catch((error: Error) => error.name);
  const stayed = get('ferries');
  await settle();
  goneWaiter.abort();
  t.equal(await gone, 'AbortError');
  open();
  t.same(await leader, { status: 200, body: '{"q":"ferries"}' });
  t.same(await stayed, { status: 200, body: '{"q":"ferries"}' }, 'the other waiter still gets the answer');
  t.equal(reads, 2);

  await get('tides');
  gate();
  const goneLeader = new AbortController();
  const cut = get('tides', goneLeader.signal).catch((error: Error) => error.name);
  await settle();
  const waiters = [get('tides'), get('tides')];
  await settle();
  goneLeader.abort();
  t.equal(await cut, 'AbortError');
  await settle();
  t.equal(reads, 4 + 2, 'when the request being answered is cut off, the waiting ones ask for themselves');
  open();
  t.same(await Promise.all(waiters), [
    { status: 200, body: '{"q":"tides"}' },
    { status: 200, body: '{"q":"tides"}' },
  ]);
});

t.test(
  'hits for clients accepting br or gzip are sent from a compressed copy, not compressed again',
  async (t) => {
    const counted = countCompressions(t);
    const compressions = () => counted.plugin + counted.threadPool;
    let version = 1;
    const app = await cachedApp(t, () => String(version), { compress: true });
    app.get('/v1/notes/:id', { config: { responseCache: true } }, async () => ({
      version,
      text: Array.from({ length: 300 }, (_, index) => `harbour note ${index}`).join(' '),
    }));
    let url = '/v1/notes/1';
    const get = (coding?: string, headers: Record<string, string> = {}) =>
      app.inject({
        url,
        headers: { ...(coding ? { 'accept-encoding': coding } : {}), ...headers },
      });
    const decoded = (response: { rawPayload: Buffer }, coding: string) =>
      JSON.parse(
        (coding === 'br' ? zlib.brotliDecompressSync : zlib.gunzipSync)(response.rawPayload).toString(),
      );

    for (const coding of ['br', 'gzip']) {
      url = `/v1/notes/${coding}`;
      counted.plugin = 0;
      counted.threadPool = 0;
      const first = await get(coding);
      t.equal(first.headers['content-encoding'], coding);
      await get(coding); // kept from the second request on
      t.equal(compressions(), 2, `${coding}: the two misses are compressed`);
      const firstHit = await get(coding);
      t.equal(compressions(), 3, `${coding}: the first hit is compressed once, and that copy kept`);
      const fromCopy = await get(coding);
      for (let index = 0; index < 5; index++) await get(coding);
      t.equal(compressions(), 3, `${coding}: the hits after it send the copy`);
      t.ok(firstHit.rawPayload.equals(first.rawPayload));
      t.equal(fromCopy.headers['content-encoding'], coding);
      t.match(fromCopy.headers.vary, /accept-encoding/);
      t.equal(fromCopy.headers.etag, first.headers.etag, `${coding}: the tag first given`);
      t.ok(fromCopy.rawPayload.equals(first.rawPayload), `${coding}: the bytes first sent`);
      t.same(decoded(fromCopy, coding), decoded(first, coding));

      const revalidated = await get(coding, { 'if-none-match': first.headers.etag as string });
      t.equal(revalidated.statusCode, 304, `${coding}: a client's current copy still gets 304`);
      t.equal(revalidated.headers.etag, first.headers.etag);
    }

    const plain = await get();
    t.equal(
      plain.headers['content-encoding'],
      undefined,
      'a client accepting no coding gets the bytes as kept',
    );
    t.equal(plain.json().version, version);
    t.equal((await get('br', { 'x-no-compression': '1' })).headers['content-encoding'], undefined);

    version++;
    const changed = await get('gzip');
    t.equal(
      decoded(changed, 'gzip').version,
      version,
      'after a change no compressed copy of the old bytes is sent',
    );
  },
);

t.test('requests that waited for one answer share its compression', async (t) => {
  const counted = countCompressions(t);
  const app = await cachedApp(t, () => '1', { compress: true });
  let reads = 0;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  app.get('/v1/searches/:q', { config: { responseCache: true } }, async (request) => {
    reads++;
    if (reads > 1) await opened;
    return {
      q: (request.params as { q: string }).q,
      text: Array.from({ length: 300 }, (_, index) => `ferry result ${index}`).join(' '),
    };
  });
  const get = () => app.inject({ url: '/v1/searches/ferries', headers: { 'accept-encoding': 'br' } });

  await get();
  t.equal(counted.threadPool, 1, 'the first request is compressed');
  const waiting = Promise.all(Array.from({ length: 8 }, get));
  while (reads < 2) await new Promise((resolve) => setImmediate(resolve));
  open();
  const answers = await waiting;
  t.equal(reads, 2, 'eight requests at once: one read, seven waited for it');
  t.equal(counted.threadPool, 2, 'and one compression for all eight');
  t.same(new Set(answers.map((answer) => answer.headers['content-encoding'])), new Set(['br']));
  t.equal(new Set(answers.map((answer) => answer.rawPayload.toString('base64'))).size, 1, 'the same bytes');
  t.equal(
    JSON.parse(zlib.brotliDecompressSync(answers[0]!.rawPayload).toString()).q,
    'ferries',
    'which decode to the answer',
  );
});

t.test('hits at once before a compressed copy is kept wait for the one compression under way', async (t) => {
  const counted = countCompressions(t);
  const app = await cachedApp(t, () => '1', { compress: true });
  app.get('/v1/notes/:id', { config: { responseCache: true } }, async () => ({
    text: Array.from({ length: 300 }, (_, index) => `tide note ${index}`).join(' '),
  }));
  const get = () => app.inject({ url: '/v1/notes/1', headers: { 'accept-encoding': 'br' } });
  await get();
  const kept = await get();
  t.equal(counted.threadPool, 2, 'two misses, two compressions; the second answer is kept');

  const burst = await Promise.all(Array.from({ length: 8 }, get));
  t.equal(counted.threadPool, 3, 'eight hits at once: one compression');
  for (const response of burst) {
    t.equal(response.headers['content-encoding'], 'br');
    t.ok(response.rawPayload.equals(kept.rawPayload), 'the bytes the misses sent');
  }
  await get();
  t.equal(counted.threadPool, 3, 'and the hits after them send its kept copy');
});
