import { statSync } from 'node:fs';
import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, plainArticle, testEngine } from '../support/app.js';
import { queryOn } from '../support/database.js';

/** The value of one sample line, e.g. `name{label="x"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

t.test('GET /metrics: Prometheus text with request, ingest, event-loop and database metrics', async (t) => {
  const app = await buildTestApp(t);
  const url = databaseUrlOf(app);
  const query = await queryOn(t, url);
  /** What PostgreSQL says the database takes on disk. */
  const postgresSize = async () =>
    Number(
      (await query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes'))[0]?.bytes,
    );

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

  const sizeBefore = testEngine() === 'postgres' ? await postgresSize() : 0;
  const response = await app.inject('/metrics');
  const sizeAfter = testEngine() === 'postgres' ? await postgresSize() : 0;
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
  t.ok(size > 0, 'database size');
  // SQLite's size is its file and WAL on disk; PostgreSQL's is what the server reports.
  if (testEngine() === 'sqlite') {
    const file = url.slice('file:'.length);
    const onDisk = ['', '-wal'].reduce((total, suffix) => {
      try {
        return total + statSync(`${file}${suffix}`).size;
      } catch {
        return total;
      }
    }, 0);
    t.equal(size, onDisk, 'the file plus its WAL');
  } else {
    // Read just before and after: a background write (autovacuum, statistics) may land between.
    t.ok(
      size >= sizeBefore && size <= sizeAfter,
      `pg_database_size (${sizeBefore} ≤ ${size} ≤ ${sizeAfter})`,
    );
  }
  t.match(text, /# TYPE gazette_webhook_deliveries_total counter/, 'a counter ready for webhook deliveries');

  const document = (await app.inject('/openapi.json')).json();
  t.same(
    document.paths['/metrics']?.get?.tags,
    ['Operations'],
    'documented as an operators’ endpoint, like every route the server answers',
  );
});
