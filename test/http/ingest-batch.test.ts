import http from 'node:http';
import { Readable } from 'node:stream';
import t from 'tap';
import { readLines } from '../../src/lib/lines.js';
import { auth, buildTestApp, plainArticle } from '../support/app.js';

t.test('POST /v1/ingest/batch takes NDJSON and answers one result per line, in order', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_BYTES: '2048' });
  const good = (title: string) =>
    JSON.stringify({
      raw: plainArticle({ title }),
      source_url: `https://news.example.com/${encodeURIComponent(title)}`,
    });
  const lines = [
    good('First batch story on tidal power'),
    '{"raw": "broken',
    JSON.stringify({ raw: plainArticle(), colour: 'blue' }),
    '',
    good('Second batch story on grain prices'),
    JSON.stringify({ raw: '   ' }),
    JSON.stringify({ raw: `Long line ${'word '.repeat(600)}` }),
    good('First batch story on tidal power'),
  ];
  const response = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    payload: lines.join('\n'),
  });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/x-ndjson/);
  const results = response.body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  t.same(
    results.map((result) => [result.line, result.status, result.problem?.status ?? null]),
    [
      [1, 'created', null],
      [2, 'rejected', 400],
      [3, 'rejected', 400],
      [5, 'created', null],
      [6, 'rejected', 422],
      [7, 'rejected', 413],
      [8, 'duplicate', null],
    ],
  );
  t.match(results[2].problem.detail, /colour/);
  t.equal(results[6].article_id, results[0].article_id);
  const total = (await app.inject('/v1/articles?include_total=true')).json().page.total;
  t.equal(total, 2, 'only the good lines were stored');

  t.test('needs the ingest scope', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ingest/batch',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines[0],
    });
    t.equal(response.statusCode, 401);
  });

  t.test('other media types → 415', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ingest/batch',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    t.equal(response.statusCode, 415);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  });
});

t.test('readLines splits any chunking into lines and flags overlong ones', async (t) => {
  const collect = async (chunks: string[], max: number) => {
    const lines = [];
    for await (const line of readLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), max))
      lines.push(line);
    return lines;
  };
  t.same(await collect(['ab', 'c\nde', 'f\n\ng'], 10), [
    { text: 'abc' },
    { text: 'def' },
    { text: '' },
    { text: 'g' },
  ]);
  t.same(await collect(['0123456789012', '\nok\n'], 10), [{ tooLong: true }, { text: 'ok' }]);
  t.same(await collect(['01234', '56789', '0123\nok'], 10), [{ tooLong: true }, { text: 'ok' }]);
  t.same(
    await collect(['é'.repeat(3), '\n'], 10),
    [{ text: 'ééé' }],
    'multi-byte characters split across chunks survive',
  );
  t.same(await collect([], 10), []);
});

t.test('a batch streams both ways: the first result arrives before the request body has ended', async (t) => {
  const app = await buildTestApp(t);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = new URL('/v1/ingest/batch', address);
  const request = http.request(url, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
  });
  const response = await new Promise<http.IncomingMessage>((resolve) => {
    request.on('response', resolve);
    request.write(
      `${JSON.stringify({ raw: plainArticle({ title: 'Streaming line one about the canal' }) })}\n`,
    );
  });
  t.equal(response.statusCode, 200);
  const firstChunk = await new Promise<string>((resolve) =>
    response.once('data', (chunk) => resolve(String(chunk))),
  );
  t.match(
    JSON.parse(firstChunk.split('\n')[0]!),
    { line: 1, status: 'created' },
    'answered while the body is still open',
  );

  let rest = '';
  response.on('data', (chunk) => {
    rest += chunk;
  });
  const ended = new Promise((resolve) => response.on('end', resolve));
  request.end(`${JSON.stringify({ raw: plainArticle({ title: 'Streaming line two about the canal' }) })}\n`);
  await ended;
  t.match(JSON.parse(rest.trim()), { line: 2, status: 'created' });
});
