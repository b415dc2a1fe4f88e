import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';
import { queryOn } from '../support/database.js';

const mergePatch = 'application/merge-patch+json';

const patch = (
  app: FastifyInstance,
  idOrSlug: string | number,
  body: unknown,
  headers: Record<string, string> = auth,
) =>
  app.inject({
    method: 'PATCH',
    url: `/v1/articles/${idOrSlug}`,
    headers: { 'content-type': mergePatch, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** An app and the change-feed events of one resource as stored, oldest first. */
async function appWithDatabase(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t);
  const query = await queryOn(t, databaseUrlOf(app));
  const events = async (type: string, id: number) =>
    (
      await query<{ data: string }>(
        'SELECT data FROM events WHERE type = ? AND resource_id = ? ORDER BY id',
        type,
        id,
      )
    ).map((row) => JSON.parse(row.data));
  return { app, events };
}

t.test('PATCH /v1/articles/{idOrSlug}: who may edit', async (t) => {
  const app = await buildTestApp(t);
  const article = await ingestText(app, plainArticle({ title: 'Tram depot opens on the east side' }));
  t.equal((await patch(app, article.id, { subtitle: 'x' }, {})).statusCode, 401);
  const { key } = await app.services.apiKeys.createKey('scraper', ['ingest']);
  const refused = await patch(app, article.id, { subtitle: 'x' }, { authorization: `Bearer ${key}` });
  t.equal(refused.statusCode, 403, 'an ingest key cannot edit');
  t.equal((await app.inject(`/v1/articles/${article.id}`)).json().subtitle, null, 'nothing changed');
  const { key: writer } = await app.services.apiKeys.createKey('editor', ['write']);
  const edited = await patch(
    app,
    article.id,
    { subtitle: 'Forty trams' },
    { authorization: `Bearer ${writer}` },
  );
  t.equal(edited.statusCode, 200);
  t.equal(edited.json().subtitle, 'Forty trams');
  t.equal(edited.json().content_hash, article.content_hash, 'title and body unchanged: the same hash');
  t.equal(edited.json().slug, article.slug);
  t.equal((await patch(app, 999_999, { subtitle: 'x' })).statusCode, 404);
  // Past what PostgreSQL's id columns hold: still no such article, not a query error.
  t.equal((await patch(app, Number.MAX_SAFE_INTEGER, { subtitle: 'x' })).statusCode, 404);
});

t.test('PATCH edits fields, derives the body as ingest does, and keeps old slugs working', async (t) => {
  const { app, events } = await appWithDatabase(t);
  const article = await ingestText(
    app,
    plainArticle({
      title: 'Harbour pilots agree a new rota',
      author: 'Noor Haddad',
      tags: ['Harbour works'],
    }),
  );
  const before = (
    await app.inject(`/v1/articles/${article.id}?fields=id,body_text,word_count,excerpt`)
  ).json();

  t.test('a new title: new slug, the old one still serves the article, one event', async (t) => {
    const response = await patch(app, article.slug, { title: 'Harbour pilots agree a night rota' });
    t.equal(response.statusCode, 200);
    const edited = response.json();
    t.equal(edited.title, 'Harbour pilots agree a night rota');
    t.equal(edited.slug, 'harbour-pilots-agree-a-night-rota');
    t.not(edited.content_hash, article.content_hash, 'the content hash covers the title');
    const read = await app.inject(`/v1/articles/${edited.slug}`);
    t.equal(response.headers.etag, read.headers.etag, 'the response carries the ETag GET now sends');
    const old = await app.inject(`/v1/articles/${article.slug}`);
    t.equal(old.statusCode, 200);
    t.equal(old.json().id, article.id);
    t.equal(old.json().slug, edited.slug, 'served under its current slug');
    const updates = await events('article.updated', article.id);
    t.equal(updates.length, 1);
    t.equal(updates[0].title, 'Harbour pilots agree a night rota');
  });

  t.test('a new body_text: word count, reading time, hash, excerpt and HTML derived again', async (t) => {
    const body = [
      'The pilots will work a night rota from June, the harbour master said on Monday.',
      'Two more pilots are being trained, and the rota will be reviewed after a year of operation.',
    ].join('\n\n');
    const titled = (await app.inject(`/v1/articles/${article.id}`)).json();
    t.equal((await patch(app, article.id, { body_text: body })).statusCode, 200);
    const full = (
      await app.inject(
        `/v1/articles/${article.id}?fields=id,body_text,body_html,word_count,excerpt,reading_time_minutes,content_hash`,
      )
    ).json();
    t.equal(full.body_text, body);
    t.equal(
      full.body_html,
      '<p>The pilots will work a night rota from June, the harbour master said on Monday.</p>\n<p>Two more pilots are being trained, and the rota will be reviewed after a year of operation.</p>',
    );
    t.equal(full.word_count, 32);
    t.not(full.word_count, before.word_count);
    t.equal(full.reading_time_minutes, 1);
    t.match(full.excerpt, /^The pilots will work a night rota from June/);
    t.not(full.content_hash, titled.content_hash);
    const again = await app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: `${titled.title}\n\n${body}`,
    });
    t.equal(
      again.json().ingest.status,
      'duplicate',
      'ingesting the same title and body finds the edited article',
    );
    t.equal(again.json().article.id, article.id);
    const found = (await app.inject('/v1/articles?q=trained')).json();
    t.same(
      found.data.map((item: { id: number }) => item.id),
      [article.id],
      'search sees the new body',
    );
    const gone = (await app.inject('/v1/articles?q=librarians')).json();
    t.same(gone.data, [], 'and no longer the old one');
  });

  t.test('body_html is reduced to paragraphs and headings and sanitized', async (t) => {
    const html =
      '<h1 onclick="x()">Night rota</h1><p class="lead">Pilots <b>agree</b> a <a href="javascript:alert(1)">rota</a>.</p>' +
      '<script>alert(1)</script><ul><li>Two pilots in training</li></ul>';
    t.equal((await patch(app, article.id, { body_html: html })).statusCode, 200);
    const full = (await app.inject(`/v1/articles/${article.id}?fields=id,body_text,body_html`)).json();
    t.equal(
      full.body_html,
      '<h2>Night rota</h2>\n<p>Pilots agree a rota.</p>\n<p>Two pilots in training</p>',
    );
    t.equal(full.body_text, 'Night rota\n\nPilots agree a rota.\n\nTwo pilots in training');
  });

  t.test(
    'excerpt: set explicitly, kept over a new body only when the body patch sets it, null derives it',
    async (t) => {
      const body = 'Ferry pilots join the rota in August.\n\nThe harbour master expects no delays.';
      let edited = (await patch(app, article.id, { excerpt: 'Pilots and a rota.', body_text: body })).json();
      t.equal(edited.excerpt, 'Pilots and a rota.');
      edited = (await patch(app, article.id, { excerpt: null })).json();
      t.equal(edited.excerpt, 'Ferry pilots join the rota in August. The harbour master expects no delays.');
    },
  );

  t.test('tags and authors by name or slug; explicit tags first; a new author is created', async (t) => {
    await ingestText(
      app,
      plainArticle({ title: 'Quay cranes get new cabs', author: 'Ines Brackley', tags: ['Port Alder'] }),
    );
    const edited = (
      await patch(app, article.id, {
        tags: ['port-alder', 'Night shifts', 'harbour-works'],
        authors: ['ines-brackley', 'Tomas Reyes'],
      })
    ).json();
    t.same(
      edited.tags.map((tag: { slug: string; name: string; derived: boolean }) => [
        tag.slug,
        tag.name,
        tag.derived,
      ]),
      [
        ['port-alder', 'Port Alder', false],
        ['night-shifts', 'Night shifts', false],
        ['harbour-works', 'Harbour works', false],
      ],
    );
    t.same(
      edited.authors.map((author: { slug: string; name: string }) => [author.slug, author.name]),
      [
        ['ines-brackley', 'Ines Brackley'],
        ['tomas-reyes', 'Tomas Reyes'],
      ],
    );
    const tomas = (await app.inject('/v1/authors/tomas-reyes')).json();
    t.equal((await events('author.created', tomas.id)).length, 1, 'the new author is in the change feed');
    t.equal((await app.inject('/v1/authors/noor-haddad')).json().article_count, 0, 'the old author lost it');
    const byTag = (await app.inject('/v1/articles?tag=night-shifts')).json();
    t.same(
      byTag.data.map((item: { id: number }) => item.id),
      [article.id],
    );
    const cleared = (await patch(app, article.id, { tags: null, authors: [] })).json();
    t.same([cleared.tags, cleared.authors], [[], []]);
  });

  t.test('published_at, language and images', async (t) => {
    const edited = (
      await patch(app, article.id, {
        published_at: '2026-03-01T09:30:00+01:00',
        language: 'cy',
        images: [{ caption: 'Pilots board at dawn', credit: 'Port Alder Post', date: null }],
      })
    ).json();
    t.equal(edited.published_at, '2026-03-01T08:30:00.000Z', 'stored in UTC');
    t.equal(edited.language, 'cy');
    t.same(edited.images, [{ caption: 'Pilots board at dawn', credit: 'Port Alder Post', date: null }]);
    const cleared = (
      await patch(app, article.id, { published_at: null, language: null, images: null })
    ).json();
    t.same([cleared.published_at, cleared.language, cleared.images], [null, null, []]);
  });
});

t.test('PATCH refuses bad patches with problems naming the field, and changes nothing', async (t) => {
  const app = await buildTestApp(t);
  const article = await ingestText(app, plainArticle({ title: 'Lifeboat crew gets a new station' }));
  const other = await ingestText(app, plainArticle({ title: 'Coastguard tower repainted' }));
  const before = (await app.inject(`/v1/articles/${article.id}`)).json();
  const cases: [string, unknown, number, string | undefined][] = [
    ['an unknown member', { colour: 'red' }, 400, 'body.colour'],
    ['a null title', { title: null }, 400, 'body.title'],
    ['an empty title', { title: '   ' }, 400, 'body.title'],
    ['both bodies', { body_text: 'a', body_html: '<p>a</p>' }, 400, 'body.body_html'],
    ['a body with no text', { body_html: '<script>x</script>' }, 422, 'body.body_html'],
    ['nothing to change', {}, 400, 'body'],
    ['a date that is not one', { published_at: 'yesterday' }, 400, 'body.published_at'],
    ['a date in the future', { published_at: '2999-01-01T00:00:00Z' }, 422, 'body.published_at'],
    ['a language that is not a code', { language: 'English' }, 400, 'body.language'],
    ['tags that are not a list', { tags: 'ferries' }, 400, 'body.tags'],
    ['an author with no letters', { authors: ['!!'] }, 422, 'body.authors.0'],
    ['not JSON', '{"title": ', 400, undefined],
    ['a JSON array', '[]', 400, 'body'],
  ];
  for (const [what, body, status, field] of cases) {
    const response = await patch(app, article.id, body);
    t.equal(response.statusCode, status, what);
    t.match(response.headers['content-type'], /^application\/problem\+json/, what);
    const paths = (response.json().errors ?? []).map((error: { path: string }) => error.path);
    if (field) t.ok(paths.includes(field), `${what} names ${field}`);
  }
  const wrongType = await patch(
    app,
    article.id,
    { subtitle: 'x' },
    { ...auth, 'content-type': 'application/json' },
  );
  t.equal(wrongType.statusCode, 415);
  const copy = await patch(app, article.id, {
    title: 'Coastguard tower repainted',
    body_text: (await app.inject(`/v1/articles/${other.id}?fields=id,body_text`)).json().body_text,
  });
  t.equal(copy.statusCode, 409, 'an edit that would copy another article is a conflict');
  t.same((await app.inject(`/v1/articles/${article.id}`)).json(), before, 'the article is unchanged');
  t.equal((await app.inject(`/v1/articles/${before.slug}`)).statusCode, 200);
  await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: auth });
  t.equal((await patch(app, article.id, { subtitle: 'x' })).statusCode, 410, 'a deleted article is gone');
});

t.test('If-Match on PATCH', async (t) => {
  const app = await buildTestApp(t);
  const article = await ingestText(app, plainArticle({ title: 'Museum reopens its map room' }));
  const read = await app.inject(`/v1/articles/${article.id}`);
  const etag = String(read.headers.etag);

  t.test('a stale tag → 412 with the current ETag; nothing changes', async (t) => {
    const refused = await patch(app, article.id, { subtitle: 'x' }, { ...auth, 'if-match': '"stale"' });
    t.equal(refused.statusCode, 412);
    t.equal(refused.headers.etag, etag);
    t.match(refused.json(), { status: 412, etag });
    t.equal((await app.inject(`/v1/articles/${article.id}`)).headers.etag, etag);
  });

  t.test('two clients read the same version and both write: exactly one wins', async (t) => {
    const first = { ...auth, 'if-match': etag };
    const results = await Promise.all([
      patch(app, article.id, { subtitle: 'From the first client' }, first),
      patch(app, article.id, { subtitle: 'From the second client' }, first),
    ]);
    const statuses = results.map((response) => response.statusCode).sort();
    t.same(statuses, [200, 412]);
    const winner = results.find((response) => response.statusCode === 200)!;
    const loser = results.find((response) => response.statusCode === 412)!;
    const now = await app.inject(`/v1/articles/${article.id}`);
    t.equal(now.json().subtitle, winner.json().subtitle, 'the winner’s edit is what is stored');
    t.equal(loser.json().etag, now.headers.etag, 'the loser is told the version to read');
    t.equal(winner.headers.etag, now.headers.etag);
    const retried = await patch(
      app,
      article.id,
      { subtitle: 'Merged by hand' },
      { ...auth, 'if-match': String(now.headers.etag) },
    );
    t.equal(retried.statusCode, 200, 'the loser succeeds with the new ETag');
  });

  t.test('If-Match: * edits whatever the version', async (t) => {
    t.equal(
      (await patch(app, article.id, { subtitle: 'Any' }, { ...auth, 'if-match': '*' })).statusCode,
      200,
    );
  });
});

const patchOf =
  (collection: 'authors' | 'tags') =>
  (app: FastifyInstance, idOrSlug: string, body: unknown, headers: Record<string, string> = auth) =>
    app.inject({
      method: 'PATCH',
      url: `/v1/${collection}/${idOrSlug}`,
      headers: { 'content-type': mergePatch, ...headers },
      payload: JSON.stringify(body),
    });

t.test('PATCH /v1/authors/{idOrSlug} and /v1/tags/{idOrSlug}', async (t) => {
  const { app, events } = await appWithDatabase(t);
  const article = await ingestText(
    app,
    plainArticle({ title: 'Glassworks reopens', author: 'Ines Brackley', tags: ['Glass', 'Industry'] }),
  );
  await ingestText(app, plainArticle({ title: 'Kiln fired again', author: 'Hana Mirov' }));
  const patchAuthor = patchOf('authors');
  const patchTag = patchOf('tags');

  t.test(
    'an author: new name and bio; the slug stays; articles show the name and are searchable by it',
    async (t) => {
      const { key } = await app.services.apiKeys.createKey('scraper', ['ingest']);
      t.equal(
        (await patchAuthor(app, 'ines-brackley', { bio: 'x' }, { authorization: `Bearer ${key}` }))
          .statusCode,
        403,
      );
      const etag = String((await app.inject('/v1/authors/ines-brackley')).headers.etag);
      const response = await patchAuthor(
        app,
        'ines-brackley',
        { name: 'Inès Brackley-Moore', bio: 'Trade correspondent.' },
        { ...auth, 'if-match': etag },
      );
      t.equal(response.statusCode, 200);
      t.match(response.json(), {
        slug: 'ines-brackley',
        name: 'Inès Brackley-Moore',
        bio: 'Trade correspondent.',
      });
      t.equal(response.headers.etag, (await app.inject('/v1/authors/ines-brackley')).headers.etag);
      const stale = await patchAuthor(app, 'ines-brackley', { bio: null }, { ...auth, 'if-match': etag });
      t.equal(stale.statusCode, 412);
      t.equal(stale.json().etag, response.headers.etag);
      const served = (await app.inject(`/v1/articles/${article.id}`)).json();
      t.equal(served.authors[0].name, 'Inès Brackley-Moore');
      const found = (await app.inject('/v1/articles?q=moore')).json();
      t.same(
        found.data.map((item: { id: number }) => item.id),
        [article.id],
      );
      const author = response.json();
      t.equal((await events('author.updated', author.id)).at(-1).name, 'Inès Brackley-Moore');
      t.equal((await events('article.updated', article.id)).at(-1).authors[0].name, 'Inès Brackley-Moore');
      t.equal(
        (await patchAuthor(app, 'ines-brackley', { bio: null })).json().bio,
        null,
        'null clears the bio',
      );
    },
  );

  t.test('author refusals: another author’s name → 409; bad members → 400; unknown → 404', async (t) => {
    const clash = await patchAuthor(app, 'ines-brackley', { name: 'hana  MIROV' });
    t.equal(clash.statusCode, 409);
    const unknown = await patchAuthor(app, 'ines-brackley', { slug: 'x' });
    t.equal(unknown.statusCode, 400);
    t.equal(unknown.json().errors[0].path, 'body.slug');
    t.equal((await patchAuthor(app, 'ines-brackley', { name: '***' })).statusCode, 422);
    t.equal((await patchAuthor(app, 'nobody-at-all', { bio: 'x' })).statusCode, 404);
  });

  t.test('a tag: new name and description; articles carrying it show the new name', async (t) => {
    const glass = (await app.inject('/v1/tags/glass')).json();
    t.equal(glass.description, null);
    const response = await patchTag(app, 'glass', {
      name: 'Glassmaking',
      description: 'Furnaces and kilns.',
    });
    t.equal(response.statusCode, 200);
    t.match(response.json(), {
      id: glass.id,
      slug: 'glass',
      name: 'Glassmaking',
      description: 'Furnaces and kilns.',
    });
    const served = (await app.inject(`/v1/articles/${article.id}`)).json();
    t.equal(served.tags.find((tag: { slug: string }) => tag.slug === 'glass').name, 'Glassmaking');
    t.match((await events('tag.updated', glass.id)).at(-1), {
      name: 'Glassmaking',
      description: 'Furnaces and kilns.',
    });
    const later = await ingestText(app, plainArticle({ title: 'Furnace relit', tags: ['Glassmaking'] }));
    t.equal(
      (await app.inject(`/v1/articles/${later.id}`)).json().tags[0].id,
      glass.id,
      'a later ingest naming the new name links the same tag',
    );
    t.equal(
      (await app.inject('/v1/tags/glassmaking')).json().id,
      glass.id,
      'and the new name’s slug finds it',
    );
    const before = (await events('article.updated', article.id)).length;
    t.equal((await patchTag(app, 'glass', { description: null })).json().description, null);
    t.equal(
      (await events('article.updated', article.id)).length,
      before,
      'a description alone changes no article',
    );
    const stale = await patchTag(app, 'glass', { name: 'x' }, { ...auth, 'if-match': '"old"' });
    t.equal(stale.statusCode, 412);
    t.equal((await patchTag(app, 'glass', {})).statusCode, 400);
  });
});

t.test('a re-parse of stored payloads leaves edited articles as the editor left them', async (t) => {
  const app = await buildTestApp(t);
  const edited = await ingestText(app, plainArticle({ title: 'Orchard harvest starts early' }));
  const untouched = await ingestText(app, plainArticle({ title: 'Cider press restored' }));
  t.equal((await patch(app, edited.id, { title: 'Orchard harvest starts a week early' })).statusCode, 200);
  const result = await app.services.ingest.reparseAll();
  t.same(result, { updated: 1, failed: [] }, 'only the article nobody edited is parsed again');
  t.equal(
    (await app.inject(`/v1/articles/${edited.id}`)).json().title,
    'Orchard harvest starts a week early',
  );
  t.equal((await app.inject(`/v1/articles/${untouched.id}`)).statusCode, 200);
});
