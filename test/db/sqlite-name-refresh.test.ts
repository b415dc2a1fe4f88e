import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { openStorage } from '../../src/db/open.js';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';
import { type Query, queryOn } from '../support/database.js';
import { exportOf } from '../support/transfer.js';

/**
 * On SQLite a rename re-indexes the articles it touches after its own transaction, a batch at a time
 * (src/db/sqlite/collection-editing.ts); the queue of articles still to do lives in the database.
 */

/** `copies` more articles like `id`, each carrying its tags: a long rename without a long ingest. */
async function copiesOf(query: Query, id: number, copies: number) {
  const columns = (await query<{ name: string }>('SELECT name FROM pragma_table_info(?)', 'articles'))
    .map(({ name }) => name)
    .filter((name) => name !== 'id');
  const values = columns.map((name) =>
    name === 'slug' || name === 'content_hash' ? `${name} || '-' || n.i` : name,
  );
  await query(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO articles (${columns.join(', ')}) SELECT ${values.join(', ')} FROM articles, n WHERE id = ?`,
    copies,
    id,
  );
  await query(
    `INSERT INTO article_tags (article_id, tag_id, position, derived)
     SELECT a.id, l.tag_id, l.position, l.derived FROM articles a, article_tags l WHERE a.id > ? AND l.article_id = ?`,
    id,
    id,
  );
}

/** Articles the full-text index finds by a word of their tag names. */
async function taggedInIndex(query: Query, word: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    'SELECT count(*) AS n FROM articles_fts WHERE articles_fts MATCH ?',
    `tag_names:${word}`,
  );
  return row!.n;
}

async function indexIsSound(t: Test, query: Query) {
  await query("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)");
  t.pass('the full-text index matches the articles');
}

const renameTag = (app: FastifyInstance, slug: string, name: string) =>
  app.inject({
    method: 'PATCH',
    url: `/v1/tags/${slug}`,
    headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify({ name }),
  });

t.test('a rename answers once its articles are re-indexed, serving other work between batches', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  const query = await queryOn(t, databaseUrlOf(app));
  const first = await ingestText(app, plainArticle({ tags: ['Ferries', 'Weather'] }));
  const articles = 640;
  await copiesOf(query, first.id, articles - 1);

  const [before] = await query<{ event: number; version: string }>(
    'SELECT (SELECT max(id) FROM events) AS event, max(updated_at) AS version FROM articles',
  );

  // Counts turns of the event loop while the rename runs: one transaction would allow about none.
  let turns = 0;
  let renaming = true;
  const turn = () => {
    if (!renaming) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  const response = await renameTag(app, 'ferries', 'Harbour launches');
  renaming = false;
  t.equal(response.statusCode, 200);
  t.ok(turns >= articles / 64, `the event loop turned between the batches (${turns} turns)`);

  t.equal(await taggedInIndex(query, 'launches'), articles, 'every article is found by its new tag name');
  t.equal(await taggedInIndex(query, 'ferries'), 0, 'and none by the old one');
  t.same(await query('SELECT * FROM article_name_refresh'), [], 'nothing is left queued');
  const [after] = await query<{ events: number; versions: number }>(
    `SELECT (SELECT count(*) FROM events WHERE id > ? AND type = 'article.updated') AS events,
      (SELECT count(*) FROM articles WHERE updated_at > ?) AS versions`,
    before!.event,
    before!.version,
  );
  t.same(after, { events: articles, versions: articles }, 'each article has a new version and an event');
  await indexIsSound(t, query);
  const search = await app.inject('/v1/articles?q=launches&include_total=true');
  t.equal(search.json().page.total, articles, 'a search right after the rename finds them all');
});

t.test('articles a crash left queued are re-indexed when Gazette next opens the file', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  const url = databaseUrlOf(app);
  const query = await queryOn(t, url);
  const article = await ingestText(app, plainArticle({ tags: ['Ferries'] }));
  // What a rename leaves if the process dies after its transaction: name, card and queue committed.
  await query("UPDATE tags SET name = 'Harbour launches' WHERE slug = 'ferries'");
  await query(
    'INSERT INTO article_name_refresh (article_id, renamed_at) VALUES (?, ?)',
    article.id,
    new Date().toISOString(),
  );
  t.equal(await taggedInIndex(query, 'launches'), 0, 'the index has not seen the new name yet');

  const exported = (await exportOf(app))
    .split('\n')
    .filter((line) => line.includes('"type":"article"'))
    .map((line) => JSON.parse(line).article);
  t.equal(exported[0].tag_names, 'Harbour launches', 'an export meanwhile carries the current names');

  const reopened = await openStorage(
    { engine: 'sqlite', path: url.slice('file:'.length) },
    { searchSampleSize: 100, searchWorkers: 1, searchTimeoutMs: 2000, readWorkers: false },
  );
  t.teardown(() => reopened.close());
  const deadline = Date.now() + 10_000;
  while ((await query('SELECT 1 FROM article_name_refresh')).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(await taggedInIndex(query, 'launches'), 1, 'the queued article is re-indexed on opening');
  await indexIsSound(t, query);
});

t.test('two processes draining one queue at once refresh each article once', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  const url = databaseUrlOf(app);
  const query = await queryOn(t, url);
  const article = await ingestText(app, plainArticle({ tags: ['Ferries'] }));
  await copiesOf(query, article.id, 300);
  // A rename whose process died with all 301 articles queued.
  await query("UPDATE tags SET name = 'Harbour launches' WHERE slug = 'ferries'");
  await query(
    'INSERT INTO article_name_refresh (article_id, renamed_at) SELECT id, ? FROM articles',
    '2026-05-01T00:00:00.000Z',
  );
  const [{ before }] = (await query<{ before: number }>('SELECT max(id) AS before FROM events')) as [
    { before: number },
  ];

  // Each storage has its own connection, as another process would, and drains the queue on opening.
  const location = { engine: 'sqlite' as const, path: url.slice('file:'.length) };
  const options = { searchSampleSize: 100, searchWorkers: 1, searchTimeoutMs: 2000, readWorkers: false };
  const both = await Promise.all([openStorage(location, options), openStorage(location, options)]);
  t.teardown(() => Promise.all(both.map((storage) => storage.close())));
  const deadline = Date.now() + 20_000;
  while ((await query('SELECT 1 FROM article_name_refresh')).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));

  const events = await query<{ id: number; n: number }>(
    "SELECT resource_id AS id, count(*) AS n FROM events WHERE id > ? AND type = 'article.updated' GROUP BY resource_id",
    before,
  );
  t.equal(events.length, 301, 'every queued article has an update event');
  t.same(
    events.filter(({ n }) => n !== 1),
    [],
    'and only one: no article was refreshed by both',
  );
  t.equal(await taggedInIndex(query, 'launches'), 301, 'every article is found by its new tag name');
  await indexIsSound(t, query);
});
