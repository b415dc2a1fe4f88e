import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';
import { queryOn } from '../support/database.js';

const merge = (app: FastifyInstance, from: string, body: unknown, headers: Record<string, string> = auth) =>
  app.inject({
    method: 'POST',
    url: `/v1/tags/${from}/merge`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

const slugsOf = (article: { tags: { slug: string; derived: boolean }[] }) =>
  article.tags.filter((tag) => !tag.derived).map((tag) => tag.slug);

t.test('POST /v1/tags/{idOrSlug}/merge', async (t) => {
  const app = await buildTestApp(t);
  const onlyFerry = await ingestText(
    app,
    plainArticle({ title: 'Night ferry returns', tags: ['Ferry', 'Islands'] }),
  );
  const both = await ingestText(app, plainArticle({ title: 'Ferry fares rise', tags: ['Ferries', 'Ferry'] }));
  const onlyFerries = await ingestText(
    app,
    plainArticle({ title: 'New ferries ordered', tags: ['Ferries'] }),
  );
  const ferry = (await app.inject('/v1/tags/ferry')).json();
  const ferries = (await app.inject('/v1/tags/ferries')).json();

  t.test('refusals: no key, an ingest key, no such tag, the same tag, a stale If-Match', async (t) => {
    t.equal((await merge(app, 'ferry', { into: 'ferries' }, {})).statusCode, 401);
    const { key } = await app.services.apiKeys.createKey('scraper', ['ingest']);
    t.equal(
      (await merge(app, 'ferry', { into: 'ferries' }, { authorization: `Bearer ${key}` })).statusCode,
      403,
    );
    t.equal((await merge(app, 'no-such-tag', { into: 'ferries' })).statusCode, 404);
    const missing = await merge(app, 'ferry', { into: 'no-such-tag' });
    t.equal(missing.statusCode, 422);
    t.equal(missing.json().errors[0].path, 'body.into');
    t.equal((await merge(app, 'ferry', { into: String(ferry.id) })).statusCode, 422, 'not into itself');
    t.equal((await merge(app, 'ferry', {})).statusCode, 400);
    const empty = await app.inject({
      method: 'POST',
      url: '/v1/tags//merge',
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    t.equal(empty.statusCode, 400, 'an empty path segment is a 400 naming it, whatever the body');
    t.equal(empty.json().errors[0].path, 'path.idOrSlug');
    const stale = await merge(app, 'ferry', { into: 'ferries' }, { ...auth, 'if-match': '"old"' });
    t.equal(stale.statusCode, 412);
    t.equal(stale.json().etag, (await app.inject('/v1/tags/ferry')).headers.etag);
    t.equal((await app.inject('/v1/tags/ferry')).json().article_count, 2, 'nothing merged');
  });

  t.test('merging moves every article, once, and the old slug then serves the tag that stayed', async (t) => {
    const etag = String((await app.inject('/v1/tags/ferry')).headers.etag);
    const response = await merge(app, 'ferry', { into: 'ferries' }, { ...auth, 'if-match': etag });
    t.equal(response.statusCode, 200);
    t.match(response.json(), { id: ferries.id, slug: 'ferries', article_count: 3 });
    t.equal(response.headers.etag, (await app.inject('/v1/tags/ferries')).headers.etag);
    const old = await app.inject('/v1/tags/ferry');
    t.equal(old.statusCode, 200);
    t.equal(old.json().id, ferries.id);
    t.equal((await app.inject(`/v1/tags/${ferry.id}`)).statusCode, 404, 'the folded tag is gone by id');
    t.same(slugsOf((await app.inject(`/v1/articles/${onlyFerry.id}`)).json()), ['ferries', 'islands']);
    t.same(slugsOf((await app.inject(`/v1/articles/${both.id}`)).json()), ['ferries']);
    t.same(slugsOf((await app.inject(`/v1/articles/${onlyFerries.id}`)).json()), ['ferries']);
    const listed = (await app.inject('/v1/articles?tag=ferries')).json();
    t.equal(listed.data.length, 3);
    const byOldSlug = (await app.inject('/v1/articles?tag=ferry')).json();
    t.same(byOldSlug.data, listed.data, 'a filter by the old slug lists the same articles');
    const feed = (await app.inject('/v1/feeds/articles.json?tag=ferry')).json();
    t.equal(feed.items.length, 3, 'and so does a feed');
    const found = (await app.inject('/v1/articles?q=ferries&include_total=true')).json();
    t.ok(
      found.data.some((item: { id: number }) => item.id === onlyFerry.id),
      'the search index has the new name',
    );
  });

  t.test('the same merge sent again answers the same and changes nothing', async (t) => {
    const again = await merge(app, 'ferry', { into: 'ferries' });
    t.equal(again.statusCode, 200);
    t.match(again.json(), { id: ferries.id, article_count: 3 });
    t.equal((await merge(app, 'ferries', { into: 'ferry' })).statusCode, 422, 'but not a tag into itself');
  });

  t.test('the change feed has every affected article, the tag that stayed and the folded one', async (t) => {
    const query = await queryOn(t, databaseUrlOf(app));
    const events = await query<{ type: string; resource_id: number }>(
      "SELECT type, resource_id FROM events WHERE id > (SELECT max(id) FROM events WHERE type = 'article.created') ORDER BY id",
    );
    const of = (type: string) =>
      events.filter((event) => event.type === type).map((event) => event.resource_id);
    t.same(of('article.updated').sort(), [onlyFerry.id, both.id].sort());
    t.same(of('tag.updated'), [ferries.id]);
    t.same(of('tag.deleted'), [ferry.id]);
    const [deleted] = await query<{ data: string }>("SELECT data FROM events WHERE type = 'tag.deleted'");
    t.match(JSON.parse(deleted!.data), { id: ferry.id, slug: 'ferry' });
  });

  t.test('an article ingested later with the old tag name carries the tag that stayed', async (t) => {
    const later = await ingestText(app, plainArticle({ title: 'Ferry timetable changes', tags: ['Ferry'] }));
    t.same(slugsOf((await app.inject(`/v1/articles/${later.id}`)).json()), ['ferries']);
    t.equal(
      (await app.inject('/v1/tags?include_total=true'))
        .json()
        .data.filter((tag: { slug: string }) => tag.slug === 'ferry').length,
      0,
    );
  });

  t.test('a tag merged into one that is merged later still resolves to the last', async (t) => {
    await ingestText(app, plainArticle({ title: 'Boats in the harbour', tags: ['Boats'] }));
    t.equal((await merge(app, 'ferries', { into: 'boats' })).statusCode, 200);
    t.equal((await app.inject('/v1/tags/ferry')).json().slug, 'boats');
    t.equal((await app.inject('/v1/tags/ferries')).json().slug, 'boats');
    t.equal((await app.inject('/v1/tags/boats')).json().article_count, 5);
  });
});
