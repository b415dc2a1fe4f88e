import t from 'tap';
import { positivePhrases, toFullTextQuery } from '../../src/search/query.js';
import { buildTestApp, testEngine } from '../support/app.js';

const story = (index: number) =>
  `Harbour survey number ${index} reaches the northern estuary\n\n` +
  `Surveyors said the estuary channel at station ${index} was deeper than the charts showed this spring.\n\n` +
  `The harbour authority said it would publish the full survey of the estuary and the harbour next year.`;

const stories = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    raw: story(index),
    contentType: 'text/plain',
    overrides: {},
  }));

t.test('prefixes: short ones are words, at most four per query', async (t) => {
  t.equal(toFullTextQuery('a* b* harb*'), '"a" "b" "harb"*');
  t.equal(toFullTextQuery('ha*'), '"ha"');
  t.throws(() => toFullTextQuery('abc* bcd* cde* def* efg*'), {
    message: /5 prefix terms \(word\*\); the limit is 4/,
  });
  t.same(positivePhrases('"a" NOT "b" "c"* OR "d e"'), { phrases: ['"a"', '"c"*', '"d e"'], anyOr: true });
});

t.test(
  'a search past its deadline answers 503 at once, and cheap routes keep answering',
  // SEARCH_TIMEOUT_MS bounds SQLite's read workers; PostgreSQL has none and bounds every statement instead.
  { skip: testEngine() === 'postgres' && 'SQLite only: PostgreSQL has no search workers to time out' },
  async (t) => {
    const app = await buildTestApp(t, { SEARCH_TIMEOUT_MS: '1', SEARCH_WORKERS: '1' });
    await app.services.ingest.ingestMany(stories(40));
    // One worker and a 1 ms deadline: searches queued behind the first cannot make it in time.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        app.inject(`/v1/articles?q=estuary%20${index}&facets=tag,month&include_total=true`),
      ),
    );
    const statuses = responses.map((response) => response.statusCode);
    t.ok(
      statuses.every((status) => status === 200 || status === 503),
      `only 200 or 503: ${statuses}`,
    );
    const late = responses.find((response) => response.statusCode === 503);
    t.ok(late, 'some searches ran past the deadline');
    t.match(late?.json(), {
      status: 503,
      title: 'Service Unavailable',
      detail: /did not finish within 1 ms/,
    });
    t.equal(late?.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal((await app.inject('/healthz')).statusCode, 200);
    t.equal(
      (await app.inject('/v1/articles?limit=1')).statusCode,
      200,
      'a plain list does not wait for search',
    );
  },
);

t.test('GET /healthz keeps answering while 50 clients search a listening server', async (t) => {
  const app = await buildTestApp(t);
  await app.services.ingest.ingestMany(stories(300));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const search = `${address}/v1/articles?q=harbour%20OR%20estuary&facets=tag,author,month&include_total=true&sort=-published_at`;
  let searching = true;
  const clients = Array.from({ length: 50 }, async () => {
    const statuses: number[] = [];
    for (let request = 0; request < 6; request++) statuses.push((await fetch(search)).status);
    return statuses;
  });
  const all = Promise.all(clients).finally(() => {
    searching = false;
  });
  const health: number[] = [];
  let probes = 0;
  while (searching && probes < 200) {
    const started = performance.now();
    const response = await fetch(`${address}/healthz`);
    health.push(performance.now() - started);
    t.equal(response.status, 200);
    probes++;
  }
  const statuses = (await all).flat();
  t.ok(
    statuses.every((status) => status === 200),
    'every search answered',
  );
  t.ok(health.length > 0, `${health.length} health probes ran during the searches`);
  // A bound against stalls, not a latency target (the clients share this process and its event loop;
  // `npm run bench:query` measures /healthz p99 from another process).
  t.ok(Math.max(...health) < 5000, `slowest /healthz ${Math.max(...health).toFixed(0)} ms`);
});

t.test(
  'a search that matches more than its sample: estimated totals, sampled facets, exact date walks',
  async (t) => {
    const app = await buildTestApp(t, { SEARCH_SAMPLE_SIZE: '20' });
    const dated = Array.from({ length: 60 }, (_, index) => ({
      raw:
        `${index % 2 ? 'Estuary survey' : 'Survey of the estuary'} number ${index}\n\n` +
        `Surveyors said the estuary channel at station ${index} was deeper than the charts showed.\n\n` +
        'The harbour authority said it would publish the full survey next year.',
      contentType: 'text/plain',
      overrides: { published_at: new Date(Date.UTC(2026, 0, 1 + index)).toISOString() },
    }));
    await app.services.ingest.ingestMany(dated);
    const ids = (body: { data: { id: number }[] }) => body.data.map((article) => article.id);

    const counted = (
      await app.inject('/v1/articles?q=estuary&include_total=true&facets=month&limit=100')
    ).json();
    t.equal(counted.page.estimated, true, 'the page says its counts are estimates');
    t.equal(counted.page.total, 60, 'ids are contiguous, so the extrapolation is exact here');
    const faceted = counted.facets.month.reduce(
      (sum: number, facet: { count: number }) => sum + facet.count,
      0,
    );
    t.equal(faceted, 20, 'facets count the sample');
    const newest = Math.max(...ids(counted));
    t.equal(counted.data.length, 20, 'relevance ranks the sample');
    t.ok(
      ids(counted).every((id) => id > newest - 20),
      'the sample is the newest matches',
    );

    // Every article contains "the", which in this small collection is too common to score: title
    // matches first, newest first.
    const common = (await app.inject('/v1/articles?q=the&limit=20&fields=id,title')).json();
    const titled = common.data.filter((article: { title: string }) => /\bthe\b/i.test(article.title));
    t.same(common.data.slice(0, titled.length), titled, 'title matches lead');
    t.same(
      ids({ data: titled }),
      [...ids({ data: titled })].sort((a, b) => b - a),
      'newest first among them',
    );

    // Sorted by date, a search walks every match, not only the sample.
    const walked: { id: number; published_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/articles?q=estuary&sort=-published_at&limit=25${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await app.inject(url)).json();
      walked.push(...body.data);
      cursor = body.page.next_cursor;
    } while (cursor);
    t.equal(walked.length, 60);
    const dates = walked.map((article) => article.published_at);
    t.same(dates, [...dates].sort().reverse(), 'newest first');

    const few = (await app.inject('/v1/articles?q=station%2017&include_total=true')).json();
    t.equal(few.page.total, 1);
    t.notOk('estimated' in few.page, 'a search within its sample is exact');
  },
);

t.test('cached search answers end with the next commit', async (t) => {
  const app = await buildTestApp(t);
  await app.services.ingest.ingestMany(stories(3));
  const count = async () => (await app.inject('/v1/articles?q=lagoon&include_total=true')).json().page.total;
  t.equal(await count(), 0);
  t.equal(await count(), 0, 'asked twice, answered from the cache');
  await app.services.ingest.ingestArticle({
    raw: 'Lagoon survey reaches the outer reef\n\nSurveyors mapped the lagoon floor this week and said the reef was healthy.\n\nThe full lagoon report, with maps of every channel and a count of the fish, follows in the spring when the boats return.',
    contentType: 'text/plain',
    overrides: {},
  });
  t.equal(await count(), 1, 'the new article is found at once');
});
