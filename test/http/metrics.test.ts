import { statSync } from 'node:fs';
import t from 'tap';
import { auth, buildTestApp, plainArticle } from '../support/app.js';

/** The value of one sample line, e.g. `name{label="x"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

t.test('GET /metrics: Prometheus text with request, ingest, event-loop and database metrics', async (t) => {
  const directory = t.testdir();
  const app = await buildTestApp(t, { DATABASE_URL: `file:${directory}/gazette.db` });

  const raw = plainArticle({ title: 'Ferry timetable changes for the winter season' });
  const ingest = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload,
    });
  const created = await ingest(raw);
  t.equal(created.statusCode, 201);
  t.equal((await ingest(raw)).statusCode, 200, 'a duplicate');
  t.equal((await ingest('   ')).statusCode, 422, 'a rejection');
  const batch = await app.inject({
    method: 'POST',
    url: '/v1/ingest/batch',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    payload: `${JSON.stringify({ raw: plainArticle() })}\n${JSON.stringify({ raw: plainArticle() })}\n`,
  });
  t.equal(batch.statusCode, 200);

  const slug = created.json().article.slug as string;
  await app.inject(`/v1/articles/${slug}`);
  await app.inject('/v1/articles/no-such-article');
  await app.inject('/v1/nothing/here');

  const response = await app.inject('/metrics');
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = response.body;

  const route = (path: string, status: number) =>
    `gazette_http_request_duration_seconds_count{method="GET",route="${path}",status_code="${status}"}`;
  t.equal(sample(text, route('/v1/articles/:idOrSlug', 200)), 1, 'timed by route pattern and status');
  t.equal(sample(text, route('/v1/articles/:idOrSlug', 404)), 1);
  t.equal(sample(text, route('unmatched', 404)), 1, 'unrouted URLs share one series');
  t.notMatch(text, slug, 'raw URLs never become labels');
  t.match(text, /gazette_http_request_duration_seconds_bucket\{le="0.005",method="GET"/);

  t.equal(sample(text, 'gazette_ingest_articles_total{outcome="created"}'), 3, 'one single, two batched');
  t.equal(sample(text, 'gazette_ingest_articles_total{outcome="duplicate"}'), 1);
  t.equal(sample(text, 'gazette_ingest_articles_total{outcome="rejected"}'), 1);
  t.ok((sample(text, 'gazette_ingest_parse_seconds_count') ?? 0) >= 4, 'every parse is timed');
  t.ok((sample(text, 'gazette_ingest_parse_seconds_sum') ?? 0) > 0);

  t.match(text, /^nodejs_eventloop_lag_seconds \d/m, 'event-loop lag');
  const size = sample(text, 'gazette_database_size_bytes') ?? 0;
  const onDisk = ['', '-wal'].reduce((total, suffix) => {
    try {
      return total + statSync(`${directory}/gazette.db${suffix}`).size;
    } catch {
      return total;
    }
  }, 0);
  t.ok(size > 0, 'database size');
  t.equal(size, onDisk, 'the file plus its WAL');
  t.match(text, /# TYPE gazette_webhook_deliveries_total counter/, 'a counter ready for webhook deliveries');

  const document = (await app.inject('/openapi.json')).json();
  t.same(
    document.paths['/metrics']?.get?.tags,
    ['Operations'],
    'documented as an operators’ endpoint, like every route the server answers',
  );
});
