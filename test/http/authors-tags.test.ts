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
    for (const url of ['/v1/authors?limit=1000', '/v1/tags?q=x', '/v1/authors?cursor=%%%']) {
      const response = await app.inject(url);
      t.equal(response.statusCode, 400, url);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
    }
  });
});
