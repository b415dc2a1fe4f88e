import t from 'tap';
import { buildTestApp, plainArticle } from '../support/app.js';

t.test('GET /v1/articles', async (t) => {
  const app = await buildTestApp(t);
  const ingest = app.services.ingest;
  const dates = ['2026-01-05T10:00:00Z', '2026-02-10T10:00:00Z', '2026-03-15T10:00:00Z'];
  const created: { article: { id: number } }[] = [];
  for (const [index, date] of dates.entries()) {
    created.push(
      await ingest.ingestArticle({
        raw: plainArticle({ title: `Article number ${index + 1} about river bridges` }),
        contentType: 'text/plain',
        overrides: {
          published_at: new Date(date).toISOString(),
          tags: index === 0 ? ['Bridges'] : ['Rivers'],
          authors: [`Writer ${index % 2}`],
        },
      }),
    );
  }
  await ingest.ingestArticle({
    raw: plainArticle({ title: 'An undated note on ferries' }),
    contentType: 'text/plain',
    overrides: { published_at: null },
  });

  t.test('lists newest first with undated articles last, bodies omitted', async (t) => {
    const response = await app.inject('/v1/articles');
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/);
    const body = response.json();
    t.same(
      body.data.map((article: { title: string }) => article.title),
      [
        'Article number 3 about river bridges',
        'Article number 2 about river bridges',
        'Article number 1 about river bridges',
        'An undated note on ferries',
      ],
    );
    t.same(body.page, { next_cursor: null, limit: 20 });
    t.notOk('body_text' in body.data[0]);
    t.notOk('body_html' in body.data[0]);
    t.equal(body.data[0].authors[0].name, 'Writer 0');
    t.equal(body.data[0].tags[0].slug, 'rivers');
    t.equal(response.headers.link, undefined);
  });

  t.test('sort=published_at is oldest first with undated first', async (t) => {
    const body = (await app.inject('/v1/articles?sort=published_at')).json();
    t.equal(body.data[0].title, 'An undated note on ferries');
    t.equal(body.data[1].title, 'Article number 1 about river bridges');
  });

  t.test('include_total adds page.total', async (t) => {
    const body = (await app.inject('/v1/articles?limit=1&include_total=true')).json();
    t.equal(body.page.total, 4);
    t.equal(body.data.length, 1);
  });

  t.test('filters by tag, author, language and date range', async (t) => {
    const titles = async (query: string) =>
      (await app.inject(`/v1/articles?${query}`))
        .json()
        .data.map((article: { title: string }) => article.title);
    t.same(await titles('tag=bridges'), ['Article number 1 about river bridges']);
    t.same(await titles('tag=bridges&tag=rivers'), await titles('tag=bridges,rivers'));
    t.equal((await titles('tag=bridges,rivers')).length, 3);
    t.same(await titles('author=writer-1'), ['Article number 2 about river bridges']);
    t.same(await titles('published_after=2026-02-10T10:00:00Z&published_before=2026-03-15T10:00:00Z'), [
      'Article number 2 about river bridges',
    ]);
    t.same(await titles('published_after=2026-03-01'), ['Article number 3 about river bridges']);
    t.equal((await titles('language=en')).length, 4);
    t.same(await titles('tag=no-such-tag'), []);
  });

  t.test('a Link header and next_cursor lead to the next page', async (t) => {
    const first = await app.inject('/v1/articles?limit=2&tag=rivers,bridges');
    const cursor = first.json().page.next_cursor;
    t.type(cursor, 'string');
    t.equal(
      first.headers.link,
      `<http://127.0.0.1:3000/v1/articles?limit=2&tag=rivers%2Cbridges&cursor=${cursor}>; rel="next"`,
    );
    const second = await app.inject(`/v1/articles?limit=2&tag=rivers,bridges&cursor=${cursor}`);
    t.same(
      second.json().data.map((article: { id: number }) => article.id),
      [created[0]!.article.id],
    );
    t.equal(second.json().page.next_cursor, null);
  });

  for (const [query, path] of [
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['sort=title', 'query.sort'],
    ['published_after=yesterday', 'query.published_after'],
    ['language=english', 'query.language'],
    ['include_total=yes', 'query.include_total'],
    ['cursor=not-a-cursor', 'query.cursor'],
    ['colour=blue', 'query.colour'],
  ]) {
    t.test(`?${query} → 400 problem naming ${path}`, async (t) => {
      const response = await app.inject(`/v1/articles?${query}`);
      t.equal(response.statusCode, 400);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      const problem = response.json();
      t.match(problem, {
        type: 'http://127.0.0.1:3000/problems/bad-request',
        title: 'Bad Request',
        status: 400,
        instance: '/v1/articles',
      });
      t.ok(
        problem.errors.some((error: { path: string }) => error.path === path),
        JSON.stringify(problem.errors),
      );
    });
  }

  t.test('unknown parameters are named in the detail', async (t) => {
    const problem = (await app.inject('/v1/articles?colour=blue&size=2')).json();
    t.equal(problem.detail, 'Unknown query parameters: colour, size.');
  });
});

t.test('GET /v1/articles/{idOrSlug}', async (t) => {
  const app = await buildTestApp(t);
  const { article } = await app.services.ingest.ingestArticle({
    raw: plainArticle({ title: 'Tram line extension opens to the public' }),
    contentType: 'text/plain',
    overrides: {
      authors: [{ name: 'Lena Ortiz', bio: 'Lena Ortiz covers transport.' }],
      tags: ['Transport'],
    },
  });

  t.test('by id and by slug, with the body once (as HTML), authors and tags', async (t) => {
    const byId = await app.inject(`/v1/articles/${article.id}`);
    t.equal(byId.statusCode, 200);
    const body = byId.json();
    t.equal(body.slug, 'tram-line-extension-opens-to-the-public');
    t.match(body.body_html, /^<p>The council/);
    t.notOk('body_text' in body, 'the plain-text body is not sent unless asked for');
    t.same(body.authors, [{ id: body.authors[0].id, slug: 'lena-ortiz', name: 'Lena Ortiz' }]);
    t.same(body.tags[0], { id: body.tags[0].id, slug: 'transport', name: 'Transport', derived: false });
    for (const field of [
      'excerpt',
      'language',
      'word_count',
      'reading_time_minutes',
      'content_hash',
      'created_at',
      'updated_at',
    ]) {
      t.ok(field in body, field);
    }
    const bySlug = await app.inject(`/v1/articles/${body.slug}`);
    t.same(bySlug.json(), body);
  });

  t.test('?fields asks for the plain-text body', async (t) => {
    const text = (await app.inject(`/v1/articles/${article.id}?fields=id,body_text`)).json();
    t.same(Object.keys(text), ['id', 'body_text']);
    t.match(text.body_text, /^The council of district \d+ approved/);
    t.notMatch(text.body_text, /<p>/);
    const both = (await app.inject(`/v1/articles/${article.slug}?fields=body_text,body_html`)).json();
    t.equal(both.body_text, text.body_text);
    t.match(both.body_html, /^<p>The council/);
  });

  t.test('an unknown id or slug → 404 problem', async (t) => {
    for (const idOrSlug of ['nope', '999999']) {
      const response = await app.inject(`/v1/articles/${idOrSlug}`);
      t.equal(response.statusCode, 404);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.match(response.json(), {
        status: 404,
        title: 'Not Found',
        detail: `No article has the id or slug "${idOrSlug}".`,
      });
    }
  });

  t.test('query parameters are not accepted on one article', async (t) => {
    const response = await app.inject(`/v1/articles/${article.id}?limit=3`);
    t.equal(response.statusCode, 400);
    t.equal(response.json().errors[0].path, 'query.limit');
  });
});
