import Database from 'better-sqlite3';
import t from 'tap';
import { buildTestApp, plainArticle } from '../support/app.js';

const longStory = (title: string, change = '') =>
  [
    title,
    '',
    'The regional water board announced on Monday that the reservoir above the valley had reached its highest level in a decade after weeks of heavy rain.',
    '',
    `Engineers opened the spillway gates for the first time since the dam was rebuilt, and residents downstream were asked to keep away from the river banks${change}.`,
    '',
    'The board said the town supply was safe and that the extra water would be released slowly over the coming fortnight to protect the fields below.',
  ].join('\n');

t.test('storage of ingested articles', async (t) => {
  const app = await buildTestApp(t);
  const ingest = app.services.ingest;

  t.test('a near-duplicate is stored but flagged with duplicate_of and a warning', async (t) => {
    const first = await ingest.ingestArticle({
      raw: longStory('Reservoir reaches record level'),
      contentType: 'text/plain',
      overrides: {},
    });
    const second = await ingest.ingestArticle({
      raw: longStory('Reservoir reaches record level', ' this week'),
      contentType: 'text/plain',
      overrides: {},
    });
    t.equal(second.ingest.status, 'created');
    t.not(second.article.id, first.article.id);
    t.equal(second.ingest.duplicate_of, first.article.id);
    t.ok(second.ingest.warnings.includes(`near-duplicate of article ${first.article.id}`));
    t.equal(second.article.slug, 'reservoir-reaches-record-level-2', 'slugs stay unique');
  });

  t.test('authors are one person whatever the spelling; a newer bio replaces an older one', async (t) => {
    await ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: { authors: ['José Álvarez'] },
    });
    await ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: { authors: [{ name: 'jose alvarez', bio: 'José Álvarez is the science editor.' }] },
    });
    const author = (await app.inject('/v1/authors/jose-alvarez')).json();
    t.match(author, { name: 'José Álvarez', bio: 'José Álvarez is the science editor.', article_count: 2 });
    t.equal((await app.inject('/v1/authors?q=jos')).json().data.length, 1);
  });

  t.test('a failure part-way stores nothing of the article', async (t) => {
    const databasePath = `${t.testdir()}/gazette.db`;
    const app = await buildTestApp(t, { DATABASE_URL: `file:${databasePath}` });
    // The ingest record is the last write of the transaction; make it fail.
    const other = new Database(databasePath);
    other.exec(
      "CREATE TRIGGER fail_ingest BEFORE INSERT ON ingests BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    other.close();
    await t.rejects(
      app.services.ingest.ingestArticle({
        raw: plainArticle({ title: 'Rollback check on harbour dues' }),
        contentType: 'text/plain',
        overrides: { tags: ['Harbour dues'], authors: ['Ines Duarte'] },
      }),
      { message: 'disk full' },
    );
    const count = (table: string) =>
      new Database(databasePath).prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    for (const table of [
      'articles',
      'authors',
      'tags',
      'article_tags',
      'article_authors',
      'article_simhash_bands',
      'articles_fts',
    ]) {
      t.equal(count(table), 0, `nothing in ${table}`);
    }
  });
});

t.test('reparse rewrites articles from their stored payloads, keeping ids and slugs', async (t) => {
  const databasePath = `${t.testdir()}/gazette.db`;
  const app = await buildTestApp(t, { DATABASE_URL: `file:${databasePath}` });
  const { article, ingest } = await app.services.ingest.ingestArticle({
    raw: longStory('Valley towns prepare for flood season'),
    contentType: 'text/plain',
    overrides: { tags: ['Weather'] },
  });
  // What an older parser might have stored: a wrong title and no tags.
  const other = new Database(databasePath);
  other
    .prepare("UPDATE articles SET title = 'Valley towns prepare for flood season.' WHERE id = ?")
    .run(article.id);
  other.prepare('DELETE FROM article_tags WHERE article_id = ?').run(article.id);
  other.close();

  const result = await app.services.ingest.reparseAll();
  t.same(result, { updated: 1, failed: [] });
  const after = (await app.inject(`/v1/articles/${article.id}`)).json();
  t.equal(after.slug, article.slug);
  t.equal(after.title, 'Valley towns prepare for flood season');
  t.same(
    after.tags.filter((tag: { derived: boolean }) => !tag.derived).map((tag: { name: string }) => tag.name),
    ['Weather'],
    'request overrides are applied again',
  );
  t.same(after.tags, article.tags, 'links are rebuilt as they were');
  t.equal((await app.services.ingest.getIngest(ingest.id)).status, 'updated');
  const search = (await app.inject('/v1/articles?q=flood')).json();
  t.same(
    search.data.map((item: { id: number }) => item.id),
    [article.id],
    'the search index follows',
  );
});

t.test('ingestMany stores a group in order, refusing bad articles one by one', async (t) => {
  const app = await buildTestApp(t);
  const outcomes = await app.services.ingest.ingestMany([
    { raw: longStory('Group ingest first story'), contentType: 'text/plain', overrides: {} },
    { raw: '   ', contentType: 'text/plain', overrides: {} },
    { raw: longStory('Group ingest first story'), contentType: 'text/plain', overrides: {} },
  ]);
  t.match(outcomes, [{ status: 'created' }, { error: { status: 422 } }, { status: 'duplicate' }]);
});
