import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle, testEngine } from '../support/app.js';
import { queryOn } from '../support/database.js';

const remove = (app: FastifyInstance, idOrSlug: string | number, headers: Record<string, string> = auth) =>
  app.inject({ method: 'DELETE', url: `/v1/articles/${idOrSlug}`, headers });

t.test('DELETE /v1/articles/{idOrSlug}', async (t) => {
  const app = await buildTestApp(t);
  const tags = ['Harbour works', 'Port Alder'];
  const doomed = await ingestText(
    app,
    plainArticle({ title: 'Crane operators trial a quayside lift', author: 'Noor Haddad', tags }),
  );
  const kept = await ingestText(
    app,
    plainArticle({ title: 'Pilots agree a new harbour rota', author: 'Noor Haddad', tags }),
  );

  t.test('no key → 401; a key without the write scope → 403; nothing is deleted', async (t) => {
    t.equal((await remove(app, doomed.id, {})).statusCode, 401);
    const { key } = await app.services.apiKeys.createKey('scraper', ['ingest']);
    const refused = await remove(app, doomed.id, { authorization: `Bearer ${key}` });
    t.equal(refused.statusCode, 403);
    t.match(refused.headers['www-authenticate'], /insufficient_scope/);
    t.equal((await app.inject(`/v1/articles/${doomed.id}`)).statusCode, 200);
  });

  t.test('an id or slug that never existed → 404', async (t) => {
    t.equal((await remove(app, 999_999)).statusCode, 404);
    t.equal((await remove(app, 'no-such-article-ever')).statusCode, 404);
  });

  t.test('a write key deletes: 204, then GET by id and by slug → 410 Gone problem', async (t) => {
    const { key } = await app.services.apiKeys.createKey('editor', ['write']);
    const deleted = await remove(app, doomed.slug, { authorization: `Bearer ${key}` });
    t.equal(deleted.statusCode, 204);
    t.equal(deleted.body, '');
    for (const idOrSlug of [doomed.id, doomed.slug]) {
      const gone = await app.inject(`/v1/articles/${idOrSlug}`);
      t.equal(gone.statusCode, 410);
      t.match(gone.headers['content-type'], /^application\/problem\+json/);
      t.match(gone.json(), { status: 410, title: 'Gone', type: /\/problems\/gone$/ });
      t.equal((await app.inject(`/v1/articles/${idOrSlug}/related`)).statusCode, 410);
    }
    t.equal((await app.inject('/problems/gone')).statusCode, 200, 'the problem type has its page');
  });

  t.test('deleting again → 410', async (t) => {
    t.equal((await remove(app, doomed.id)).statusCode, 410);
    t.equal((await remove(app, doomed.slug)).statusCode, 410);
  });

  t.test('the article leaves lists, search, facets, counts, feeds and related results', async (t) => {
    const list = (await app.inject('/v1/articles?include_total=true&facets=tag,author')).json();
    t.same(
      list.data.map((article: { id: number }) => article.id),
      [kept.id],
    );
    t.equal(list.page.total, 1);
    t.ok(list.facets.tag.every((facet: { count: number }) => facet.count === 1));
    t.ok(list.facets.author.every((facet: { count: number }) => facet.count === 1));
    const search = (await app.inject('/v1/articles?q=quayside&include_total=true')).json();
    t.equal(search.page.total, 0, 'the full-text index no longer finds it');
    t.equal((await app.inject('/v1/tags/port-alder')).json().article_count, 1);
    t.equal((await app.inject('/v1/authors/noor-haddad')).json().article_count, 1);
    const tagPage = (await app.inject('/v1/articles?tag=port-alder')).json();
    t.equal(tagPage.data.length, 1);
    const feed = (await app.inject('/v1/feeds/articles.json')).json();
    t.same(
      feed.items.map((item: { title: string }) => item.title),
      ['Pilots agree a new harbour rota'],
    );
    const related = (await app.inject(`/v1/articles/${kept.id}/related`)).json();
    t.same(related.data, []);
  });

  t.test(
    'one transaction removed the search entry, the links and the bands, and left a tombstone',
    async (t) => {
      const query = await queryOn(t, databaseUrlOf(app));
      const count = async (sql: string) =>
        Number((await query<{ count: number | string }>(sql, doomed.id))[0]?.count);
      t.equal(await count('SELECT count(*) AS count FROM articles WHERE id = ?'), 0);
      // FTS5 keeps its own index; PostgreSQL's search document is a column of the row gone above.
      if (testEngine() === 'sqlite')
        t.equal(await count('SELECT count(*) AS count FROM articles_fts WHERE rowid = ?'), 0);
      t.equal(await count('SELECT count(*) AS count FROM article_tags WHERE article_id = ?'), 0);
      t.equal(await count('SELECT count(*) AS count FROM article_authors WHERE article_id = ?'), 0);
      t.equal(await count('SELECT count(*) AS count FROM article_simhash_bands WHERE article_id = ?'), 0);
      t.equal(await count('SELECT count(*) AS count FROM deleted_articles WHERE article_id = ?'), 1);
      t.equal(
        await count('SELECT count(*) AS count FROM ingests WHERE article_id = ?'),
        0,
        'the ingest record stays, unlinked',
      );
    },
  );

  t.test('a later article that takes the slug is served; the old id stays 410', async (t) => {
    const again = await ingestText(
      app,
      plainArticle({ title: 'Crane operators trial a quayside lift', author: 'Tomas Reyes' }),
    );
    t.equal(again.slug, doomed.slug);
    t.not(again.id, doomed.id);
    const bySlug = await app.inject(`/v1/articles/${doomed.slug}`);
    t.equal(bySlug.statusCode, 200);
    t.equal(bySlug.json().id, again.id);
    t.equal((await app.inject(`/v1/articles/${doomed.id}`)).statusCode, 410);
  });
});

t.test('the slugs a deleted article had before title edits answer 410 like its last one', async (t) => {
  const app = await buildTestApp(t);
  const article = await ingestText(app, plainArticle({ title: 'Lock keepers strike over the new rota' }));
  const retitle = (title: string) =>
    app.inject({
      method: 'PATCH',
      url: `/v1/articles/${article.id}`,
      headers: { ...auth, 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ title }),
    });
  const middle = (await retitle('Lock keepers call off their strike')).json().slug as string;
  const last = (await retitle('Lock keepers sign a new rota')).json().slug as string;
  t.equal((await app.inject(`/v1/articles/${article.slug}`)).json().id, article.id, 'an old slug serves it');
  t.equal((await remove(app, article.id)).statusCode, 204);
  for (const slug of [article.slug, middle, last]) {
    const gone = await app.inject(`/v1/articles/${slug}`);
    t.equal(gone.statusCode, 410, slug);
    t.match(gone.json().detail, `Article ${article.id} ("${last}")`);
  }
  t.equal((await remove(app, middle)).statusCode, 410, 'deleting by an old slug again → 410');
  const later = await ingestText(app, plainArticle({ title: 'Lock keepers strike over the new rota' }));
  t.equal(later.slug, article.slug, 'a later article may take an old slug');
  t.equal((await app.inject(`/v1/articles/${article.slug}`)).json().id, later.id, 'and it serves that one');
});

t.test('DELETE with If-Match', async (t) => {
  const app = await buildTestApp(t);
  const article = await ingestText(app, plainArticle({ title: 'Bridge repairs finish early' }));
  const read = await app.inject(`/v1/articles/${article.id}`);
  const etag = String(read.headers.etag);
  const compressed = await app.inject({
    url: `/v1/articles/${article.id}`,
    headers: { 'accept-encoding': 'gzip' },
  });
  t.equal(compressed.headers.etag, etag.replace(/"$/, '-gzip"'), 'the compressed copy has its own tag');

  t.test('a stale tag → 412 with the current ETag in the problem and the header', async (t) => {
    for (const stale of ['"not-the-current-version"', `W/${etag}`]) {
      const refused = await remove(app, article.slug, { ...auth, 'if-match': stale });
      t.equal(refused.statusCode, 412);
      t.equal(refused.headers.etag, etag);
      t.match(refused.json(), { status: 412, title: 'Precondition Failed', etag });
    }
    t.equal((await app.inject(`/v1/articles/${article.id}`)).statusCode, 200, 'nothing was deleted');
  });

  t.test('the tag of a compressed copy names the same version → 204', async (t) => {
    const other = await ingestText(app, plainArticle({ title: 'Glass recycling moves to the quay' }));
    const read = await app.inject({ url: `/v1/articles/${other.id}`, headers: { 'accept-encoding': 'br' } });
    const coded = String(read.headers.etag);
    t.match(coded, /-br"$/);
    t.equal((await remove(app, other.id, { ...auth, 'if-match': coded })).statusCode, 204);
  });

  t.test('the tag GET sent (in a list of tags) → 204', async (t) => {
    const response = await remove(app, article.id, { ...auth, 'if-match': `"older", ${etag}` });
    t.equal(response.statusCode, 204);
    t.equal((await app.inject(`/v1/articles/${article.id}`)).statusCode, 410);
  });

  t.test('If-Match: * deletes any existing article; on a deleted one → 410', async (t) => {
    const other = await ingestText(app, plainArticle({ title: 'Night buses return to the valley' }));
    t.equal((await remove(app, other.id, { ...auth, 'if-match': '*' })).statusCode, 204);
    t.equal((await remove(app, other.id, { ...auth, 'if-match': '*' })).statusCode, 410);
  });
});
