import t from 'tap';
import { toFullTextQuery } from '../../src/search/query.js';
import { buildTestApp } from '../support/app.js';

const story = (title: string, body: string) =>
  `${title}\n\n${body}\n\nThe story continues with a second paragraph, written so that the whole text reads as a real article with enough words in it to count.`;

t.test('full-text search on GET /v1/articles', async (t) => {
  const app = await buildTestApp(t);
  const add = (title: string, body: string, overrides: Record<string, unknown> = {}) =>
    app.services.ingest.ingestArticle({ raw: story(title, body), contentType: 'text/plain', overrides });
  const titleHit = await add(
    'Lighthouse keepers return to the coast',
    'A short note about staffing on remote islands this winter.',
    {
      published_at: '2026-01-10T00:00:00.000Z',
      tags: ['Coast'],
    },
  );
  const bodyHit = await add(
    'Island staffing report published',
    'The report mentions a lighthouse once, near the end, among many other buildings.',
    {
      published_at: '2026-02-10T00:00:00.000Z',
      tags: ['Archipelago'],
      authors: ['Noor Haddad'],
    },
  );
  await add(
    'Café owners welcome the tourist season',
    'Owners of the harbour café said bookings were up on <last> year & rising.',
    {
      published_at: '2026-03-10T00:00:00.000Z',
    },
  );

  const search = async (query: string) => (await app.inject(`/v1/articles?${query}`)).json();

  t.test('relevance ranks a title match above a body match, with highlighted snippets', async (t) => {
    const body = await search('q=lighthouse');
    t.same(
      body.data.map((article: { id: number }) => article.id),
      [titleHit.article.id, bodyHit.article.id],
    );
    t.match(body.data[1].snippet, /<mark>lighthouse<\/mark>/);
    t.notOk('body_text' in body.data[0]);
  });

  t.test('sort=-published_at with q orders by date instead', async (t) => {
    const body = await search('q=lighthouse&sort=-published_at');
    t.same(
      body.data.map((article: { id: number }) => article.id),
      [bodyHit.article.id, titleHit.article.id],
    );
  });

  t.test('stemming, accents, phrases, prefixes, OR and NOT', async (t) => {
    const ids = async (q: string) =>
      (await search(`q=${encodeURIComponent(q)}`)).data.map((article: { id: number }) => article.id);
    t.equal((await ids('keeper')).length, 1, 'keeper finds keepers');
    t.equal((await ids('cafe')).length, 1, 'cafe finds café');
    t.same(await ids('"staffing report"'), [bodyHit.article.id]);
    t.equal((await ids('lightho*')).length, 2);
    t.equal((await ids('lighthouse NOT report')).length, 1);
    t.equal((await ids('tourist OR keepers')).length, 2);
    t.same(await ids('noor haddad'), [bodyHit.article.id], 'author names are searchable');
    t.same(await ids('archipelago'), [bodyHit.article.id], 'tag names are searchable');
  });

  t.test('snippets are escaped HTML', async (t) => {
    const body = await search('q=bookings');
    t.match(body.data[0].snippet, /&lt;last&gt; year &amp; rising/);
    t.notMatch(body.data[0].snippet, /<last>/);
  });

  t.test('q combines with filters, totals and facets', async (t) => {
    const body = await search('q=lighthouse&tag=archipelago&include_total=true&facets=tag,author,month');
    t.same(
      body.data.map((article: { id: number }) => article.id),
      [bodyHit.article.id],
    );
    t.equal(body.page.total, 1);
    t.same(body.facets.author, [{ value: 'noor-haddad', name: 'Noor Haddad', count: 1 }]);
    t.same(body.facets.month, [{ value: '2026-02', name: '2026-02', count: 1 }]);
    t.ok(body.facets.tag.some((facet: { value: string }) => facet.value === 'archipelago'));

    // Every count is the total of the same search filtered by that value.
    for (const q of ['the', 'lighthouse', 'owners OR report']) {
      const { facets } = await search(`q=${encodeURIComponent(q)}&facets=tag,author`);
      for (const [facet, filter] of [
        ['tag', 'tag'],
        ['author', 'author'],
      ] as const) {
        for (const { value, count } of facets[facet] as { value: string; count: number }[]) {
          const filtered = await search(`q=${encodeURIComponent(q)}&${filter}=${value}&include_total=true`);
          t.equal(count, filtered.page.total, `${q}: ${facet} ${value}`);
        }
      }
    }

    const all = await search('facets=month');
    t.same(
      all.facets.month.map((facet: { value: string }) => facet.value),
      ['2026-03', '2026-02', '2026-01'],
    );
    t.equal((await app.inject('/v1/articles?facets=colour')).statusCode, 400);
  });

  t.test('sparse fields on lists and single articles', async (t) => {
    const list = await search('fields=id,title&limit=1');
    t.same(Object.keys(list.data[0]), ['id', 'title']);
    const withBody = await search('fields=id,body_text&limit=1');
    t.match(withBody.data[0].body_text, /\n\n/);
    const one = (await app.inject(`/v1/articles/${titleHit.article.id}?fields=title,body_html`)).json();
    t.same(Object.keys(one), ['title', 'body_html']);
    const unknown = await app.inject('/v1/articles?fields=id,colour');
    t.equal(unknown.statusCode, 400);
    t.match(unknown.json().detail, /colour/);
    t.equal((await app.inject(`/v1/articles/${titleHit.article.id}?fields=snippet`)).statusCode, 400);
  });

  t.test('sort=relevance without q → 400', async (t) => {
    const response = await app.inject('/v1/articles?sort=relevance');
    t.equal(response.statusCode, 400);
    t.equal(response.json().errors[0].path, 'query.sort');
  });

  t.test('hostile queries are a 200 or a 400 with a reason, never a 5xx', async (t) => {
    const hostile = [
      '"',
      '""',
      '"unterminated phrase',
      'AND',
      'OR OR OR',
      'NOT lighthouse',
      'lighthouse NOT',
      'NEAR(lighthouse coast, 2)',
      'NEAR/3',
      '^lighthouse',
      'title:lighthouse',
      '{title body}: lighthouse',
      '(lighthouse',
      'lighthouse)',
      '[]{}()<>',
      '*',
      '**lighthouse**',
      "'; DROP TABLE articles; --",
      '1 OR 1=1',
      'SELECT * FROM articles_fts',
      'light\u0000house',
      '\u0000',
      '😀🔥',
      'lighthouse 😀',
      'x'.repeat(5000),
      'word '.repeat(40),
      '%',
      '\\',
      '-lighthouse',
      '+lighthouse',
      'ｌｉｇｈｔｈｏｕｓｅ',
      'مرحبا',
      '灯塔',
    ];
    for (const q of hostile) {
      const response = await app.inject(`/v1/articles?q=${encodeURIComponent(q)}`);
      t.ok(
        response.statusCode === 200 || response.statusCode === 400,
        `${JSON.stringify(q.slice(0, 40))} → ${response.statusCode}`,
      );
      if (response.statusCode === 400)
        t.match(response.json(), { status: 400, detail: String, errors: [{ path: 'query.q' }] });
    }
    t.equal(
      (await app.inject(`/v1/articles?q=${encodeURIComponent("'; DROP TABLE articles; --")}`)).statusCode,
      200,
    );
    t.equal((await search('include_total=true')).page.total, 3, 'nothing was harmed');
  });
});

t.test('both engines match the same words: stems, accents, stop words, prefixes of stems', async (t) => {
  const app = await buildTestApp(t);
  const add = async (title: string, body: string) =>
    (
      await app.services.ingest.ingestArticle({
        raw: story(title, body),
        contentType: 'text/plain',
        overrides: {},
      })
    ).article.id;
  const ferries = await add(
    'Ferries return to the island harbour',
    'The ferry company said crossings to the mainland resume next week, weather permitting.',
  );
  const cafe = await add(
    'Café society in the old town',
    'A naïve guide to the coffee houses and tea rooms near the square, written by a visitor in one week.',
  );
  const running = await add(
    'Running club meets at dawn',
    'Runners gathered early for the weekly race along the river path, whatever the weather did.',
  );
  const anecdotes = await add(
    'Dispatches from the harbour wall',
    'Fishermen traded anecdotes about storms while the boats waited for the tide.',
  );
  const ids = async (q: string) =>
    (await app.inject(`/v1/articles?q=${encodeURIComponent(q)}&sort=-published_at`))
      .json()
      .data.map((article: { id: number }) => article.id)
      .sort((a: number, b: number) => a - b);
  const expected: [string, number[]][] = [
    ['ferry', [ferries]],
    ['ferries', [ferries]],
    ['"ferry company"', [ferries]],
    ['ferries*', [ferries]],
    ['cafe', [cafe]],
    ['CAFÉ', [cafe]],
    ['naive', [cafe]],
    ['coffe*', [cafe]],
    ['run', [running]],
    ['runner', [running]],
    ['the', [ferries, cafe, running, anecdotes]],
    // Prefixes the stemmer would cut under three letters (`ane` → `an`, `dis` → `di`, `zes` → `ze`)
    // still match only words that start with what was typed, alone and beside other terms.
    ['ane*', [anecdotes]],
    ['dis*', [anecdotes]],
    ['zes*', []],
    ['harbour ane*', [anecdotes]],
    ['harbour NOT ane*', [ferries]],
    ['houses OR dis* wall', [cafe, anecdotes]],
    ['harbour OR zes*', [ferries, anecdotes]],
    ['traded-ane*', [anecdotes]],
    // Combining marks alone fold to nothing: not a prefix of every word.
    ['\u0301\u0301\u0301*', []],
    ['the NOT ferry', [cafe, running, anecdotes]],
    ['harbour OR houses', [ferries, cafe, anecdotes]],
    ['river NOT weekly', []],
  ];
  for (const [q, matches] of expected) t.same(await ids(q), matches, q);
  const snippet = (await app.inject('/v1/articles?q=ferry')).json().data[0].snippet;
  t.match(snippet, /<mark>(ferry|ferries)<\/mark>/i, 'the snippet marks the stemmed match');
});

t.test('toFullTextQuery quotes every term', async (t) => {
  t.equal(toFullTextQuery('lighthouse keepers'), '"lighthouse" "keepers"');
  t.equal(toFullTextQuery('"harbour café" OR ferry*'), '"harbour café" OR "ferry"*');
  t.equal(toFullTextQuery('NOT a NOT b'), '"a" NOT "b"');
  t.equal(toFullTextQuery('title:x AND y'), '"title x" "y"');
  t.throws(() => toFullTextQuery('   '), { message: 'q has no words to search for.' });
  t.throws(() => toFullTextQuery('x'.repeat(1001)), { message: /limit is 1000/ });
});

t.test('a relevance walk covers the top 200 matches as ranked at its first page', async (t) => {
  const app = await buildTestApp(t);
  const requests = Array.from({ length: 205 }, (_, index) => ({
    raw: story(
      `Tidal survey number ${index} of the northern estuary`,
      `Surveyors measured the estuary channel at station ${index} this spring.`,
    ),
    contentType: 'text/plain',
    overrides: {},
  }));
  const stored = await app.services.ingest.ingestMany(requests);
  t.equal(stored.filter((outcome) => 'status' in outcome && outcome.status === 'created').length, 205);

  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/articles?q=estuary&limit=50&include_total=true${cursor ? `&cursor=${cursor}` : ''}`;
    const body = (await app.inject(url)).json();
    t.equal(body.page.total, 205, 'the total counts every match');
    seen.push(...body.data.map((article: { id: number }) => article.id));
    cursor = body.page.next_cursor;
    pages++;
  } while (cursor);
  t.equal(pages, 4);
  t.equal(seen.length, 200, 'the walk stops after 200');
  t.equal(new Set(seen).size, 200);
  t.equal(
    (await app.inject('/v1/articles?cursor=WyJyZWxldmFuY2UiLCJ4Il0&q=estuary')).statusCode,
    400,
    'a forged cursor is a 400',
  );
});
