import t from 'tap';
import { buildTestApp, databaseUrlOf, plainArticle, testEngine } from '../support/app.js';
import { queryOn } from '../support/database.js';

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
    const app = await buildTestApp(t);
    const query = await queryOn(t, databaseUrlOf(app));
    // The ingest record is the last write of the transaction; make it fail.
    if (testEngine() === 'postgres') {
      await query(
        "CREATE FUNCTION fail_ingest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
      );
      await query(
        'CREATE TRIGGER fail_ingest BEFORE INSERT ON ingests FOR EACH ROW EXECUTE FUNCTION fail_ingest()',
      );
    } else {
      await query(
        "CREATE TRIGGER fail_ingest BEFORE INSERT ON ingests BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
    }
    const failure = await app.services.ingest
      .ingestArticle({
        raw: plainArticle({ title: 'Rollback check on harbour dues' }),
        contentType: 'text/plain',
        overrides: { tags: ['Harbour dues'], authors: ['Ines Duarte'] },
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // On PostgreSQL the driver's error arrives wrapped by Drizzle, as the cause.
    let cause = failure;
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
    t.match(cause, { message: 'disk full' }, 'the failed write is the error');
    const count = async (table: string) =>
      (await query<{ n: number }>(`SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;
    const tables = [
      'articles',
      'authors',
      'tags',
      'article_tags',
      'article_authors',
      'article_simhash_bands',
    ];
    // SQLite keeps its search index in a table of its own; PostgreSQL's is a column of articles.
    if (testEngine() === 'sqlite') tables.push('articles_fts');
    for (const table of tables) t.equal(await count(table), 0, `nothing in ${table}`);
  });
});

t.test('reparse rewrites articles from their stored payloads, keeping ids and slugs', async (t) => {
  const app = await buildTestApp(t);
  const { article, ingest } = await app.services.ingest.ingestArticle({
    raw: longStory('Valley towns prepare for flood season'),
    contentType: 'text/plain',
    overrides: { tags: ['Weather'] },
  });
  // What an older parser might have stored: a wrong title and no tags.
  const query = await queryOn(t, databaseUrlOf(app));
  await query(
    "UPDATE articles SET title = 'Valley towns prepare for flood season.' WHERE id = ?",
    article.id,
  );
  await query('DELETE FROM article_tags WHERE article_id = ?', article.id);

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
