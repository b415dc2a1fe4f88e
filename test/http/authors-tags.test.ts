import t from 'tap';
import { buildTestApp, plainArticle } from '../support/app.js';

t.test('authors and tags', async (t) => {
  const app = await buildTestApp(t);
  const ingest = app.services.ingest;
  await ingest.ingestArticle({
    raw: plainArticle(),
    contentType: 'text/plain',
    overrides: {
      authors: [{ name: 'Ada Nwosu', bio: 'Ada Nwosu is an editor at the Chronicle.' }, 'Bo Lindqvist'],
      tags: ['Schools', 'Budget'],
    },
  });
  await ingest.ingestArticle({
    raw: plainArticle(),
    contentType: 'text/plain',
    overrides: { authors: ['ada nwosu'], tags: ['Budget'] },
  });

  t.test('GET /v1/authors lists by name with article counts; names are deduplicated', async (t) => {
    const body = (await app.inject('/v1/authors?include_total=true')).json();
    t.same(
      body.data.map((author: { name: string; article_count: number }) => [author.name, author.article_count]),
      [
        ['Ada Nwosu', 2],
        ['Bo Lindqvist', 1],
      ],
    );
    t.equal(body.data[0].bio, 'Ada Nwosu is an editor at the Chronicle.');
    t.equal(body.page.total, 2);
  });

  t.test('GET /v1/authors/{idOrSlug} by slug and id; 404 otherwise', async (t) => {
    const bySlug = (await app.inject('/v1/authors/ada-nwosu')).json();
    t.equal(bySlug.article_count, 2);
    t.same((await app.inject(`/v1/authors/${bySlug.id}`)).json(), bySlug);
    const missing = await app.inject('/v1/authors/nobody');
    t.equal(missing.statusCode, 404);
    t.match(missing.headers['content-type'], /^application\/problem\+json/);
  });

  t.test('GET /v1/tags lists by name with article counts', async (t) => {
    const body = (await app.inject('/v1/tags')).json();
    const counts = Object.fromEntries(
      body.data.map((tag: { slug: string; article_count: number }) => [tag.slug, tag.article_count]),
    );
    t.equal(counts.budget, 2);
    t.equal(counts.schools, 1);
  });

  t.test('GET /v1/tags/{idOrSlug}; 404 otherwise', async (t) => {
    const tag = (await app.inject('/v1/tags/budget')).json();
    t.match(tag, { slug: 'budget', name: 'Budget', article_count: 2 });
    t.same((await app.inject(`/v1/tags/${tag.id}`)).json(), tag);
    t.equal((await app.inject('/v1/tags/none-such')).statusCode, 404);
  });

  t.test('paging walks every tag exactly once', async (t) => {
    const seen: string[] = [];
    let url = '/v1/tags?limit=1';
    for (let guard = 0; guard < 100; guard++) {
      const response = await app.inject(url);
      const body = response.json();
      seen.push(...body.data.map((tag: { slug: string }) => tag.slug));
      if (!body.page.next_cursor) break;
      url = response.headers.link!.toString().match(/^<([^>]+)>/)![1]!;
    }
    const all = (await app.inject('/v1/tags?limit=100')).json().data.map((tag: { slug: string }) => tag.slug);
    t.same(seen, all);
    t.equal(new Set(seen).size, seen.length);
  });

  t.test('bad parameters → 400 problem', async (t) => {
    for (const url of [
      '/v1/authors?limit=1000',
      '/v1/tags?q=x',
      '/v1/authors?cursor=%%%',
      '/v1/tags?sort=article_count',
      '/v1/authors?sort=-article_count',
      '/v1/authors?q=...',
    ]) {
      const response = await app.inject(url);
      t.equal(response.statusCode, 400, url);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
    }
  });
});

/** Follows `Link: rel="next"` from `url` to the last page; returns every item's slug in order. */
async function walk(app: Awaited<ReturnType<typeof buildTestApp>>, url: string): Promise<string[]> {
  const seen: string[] = [];
  let next: string | undefined = url;
  for (let guard = 0; next && guard < 100; guard++) {
    const response: { json(): { data: { slug: string }[] }; headers: Record<string, unknown> } =
      await app.inject(next);
    seen.push(...response.json().data.map((item) => item.slug));
    next = (response.headers.link as string | undefined)?.match(/^<([^>]+)>/)?.[1];
  }
  return seen;
}

t.test('GET /v1/tags?sort=-article_count', async (t) => {
  const app = await buildTestApp(t);
  // Counts: delta 3, alpha 2, charlie 2, bravo 1, echo 1, foxtrot 1 — ties in count are broken by name.
  const articles = [
    ['Delta', 'Alpha', 'Charlie'],
    ['Delta', 'Charlie', 'Bravo'],
    ['Delta', 'Alpha'],
    ['Echo'],
    ['Foxtrot'],
  ];
  for (const tags of articles) {
    await app.services.ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: { tags },
    });
  }
  const byCount = ['delta', 'alpha', 'charlie', 'bravo', 'echo', 'foxtrot'];
  const countsOf = async (url: string) =>
    (await app.inject(url))
      .json()
      .data.map((tag: { slug: string; article_count: number }) => [tag.slug, tag.article_count]);

  t.test('most used first, ties by name, with counts', async (t) => {
    t.same(await countsOf('/v1/tags?sort=-article_count'), [
      ['delta', 3],
      ['alpha', 2],
      ['charlie', 2],
      ['bravo', 1],
      ['echo', 1],
      ['foxtrot', 1],
    ]);
  });

  t.test('sort=name is the default', async (t) => {
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    t.same(
      (await countsOf('/v1/tags')).map(([slug]: [string]) => slug),
      names,
    );
    t.same(
      (await countsOf('/v1/tags?sort=name')).map(([slug]: [string]) => slug),
      names,
    );
  });

  t.test('cursor pagination is exact for both sorts at every page size', async (t) => {
    for (const limit of [1, 2, 4, 6]) {
      t.same(
        await walk(app, `/v1/tags?sort=-article_count&limit=${limit}`),
        byCount,
        `by count, limit ${limit}`,
      );
      t.same(
        await walk(app, `/v1/tags?sort=name&limit=${limit}`),
        ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'],
        `by name, limit ${limit}`,
      );
    }
  });

  t.test('a cursor from one sort is refused by the other', async (t) => {
    const first = (await app.inject('/v1/tags?sort=-article_count&limit=1')).json();
    const response = await app.inject(`/v1/tags?sort=name&cursor=${first.page.next_cursor}`);
    t.equal(response.statusCode, 400);
    t.match(response.json(), { errors: [{ path: 'query.cursor' }] });
  });
});

t.test('GET /v1/authors?q= finds authors by name prefix', async (t) => {
  const app = await buildTestApp(t);
  for (const authors of [['José Martí'], ['Josephine Okafor'], ['Amara Okafor'], ['Martin Jost']]) {
    await app.services.ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: { authors },
    });
  }
  const names = async (q: string, extra = '') =>
    (await app.inject(`/v1/authors?q=${encodeURIComponent(q)}${extra}`))
      .json()
      .data.map((author: { name: string }) => author.name);

  t.test('case- and accent-insensitive, at the start of the name or of any word', async (t) => {
    // Listed in name order, which is by code point: "Josephine" sorts before "José".
    t.same(await names('jos'), ['Josephine Okafor', 'José Martí', 'Martin Jost']);
    t.same(await names('JOSÉ M'), ['José Martí']);
    t.same(await names('jose'), ['Josephine Okafor', 'José Martí'], 'accents are folded both ways');
    t.same(await names('marti'), ['José Martí', 'Martin Jost']);
    t.same(await names('okafor'), ['Amara Okafor', 'Josephine Okafor']);
    t.same(await names('amara ok'), ['Amara Okafor']);
    t.same(await names('kafor'), [], 'not a substring search');
    t.same(await names('zz'), []);
  });

  t.test('pages and totals count only the matches', async (t) => {
    const first = (await app.inject('/v1/authors?q=jos&limit=2&include_total=true')).json();
    t.equal(first.page.total, 3);
    t.equal(first.data.length, 2);
    const second = (await app.inject(`/v1/authors?q=jos&limit=2&cursor=${first.page.next_cursor}`)).json();
    t.same(
      second.data.map((author: { name: string }) => author.name),
      ['Martin Jost'],
    );
    t.equal(second.page.next_cursor, null);
  });
});
