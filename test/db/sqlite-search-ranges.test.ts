import Database from 'better-sqlite3';
import t from 'tap';
import { byScore } from '../../src/db/sqlite/article-search.js';
import { createArticlesRepository } from '../../src/db/sqlite/articles-repository.js';
import { openReadOnlyDatabase } from '../../src/db/sqlite/connection.js';
import type { ArticleListQuery } from '../../src/domain/article.js';
import { toFullTextQuery } from '../../src/search/query.js';
import { fullTextSearch } from '../../src/search/sqlite.js';
import { buildTestApp, databaseUrlOf, plainArticle } from '../support/app.js';

t.test('a search bounded to an id range reads only that range of the index', async (t) => {
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  sqlite.exec('CREATE VIRTUAL TABLE articles_fts USING fts5(title, body)');
  const insert = sqlite.prepare('INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)');
  for (let id = 1; id <= 1000; id++)
    insert.run(id, `Ferry timetable ${id}`, 'The harbour ferry runs twice a day.');
  // Called for each row the index hands over, before SQLite tests the range itself.
  let read = 0;
  sqlite.function('counted', (_id: unknown) => {
    read++;
    return 1;
  });
  const bounded = (range: string) => {
    read = 0;
    const ids = sqlite
      .prepare(`SELECT rowid FROM articles_fts WHERE counted(rowid) AND ${fullTextSearch.where} AND ${range}`)
      .pluck()
      .all({ match: 'ferry', low: 100, high: 109 });
    return { ids, read };
  };

  const naive = bounded('articles_fts.rowid BETWEEN @low AND @high');
  t.equal(naive.ids.length, 10);
  t.equal(
    naive.read,
    1000,
    'bounds bound as numbers: FTS5 reads every match (the driver binds them as REAL)',
  );

  const gazette = bounded(fullTextSearch.idBetween);
  t.same(gazette.ids, naive.ids, 'the same rows');
  t.equal(gazette.read, 10, "Gazette's bounds: FTS5 reads the range alone");
});

t.test("a search's statements bound the index by id only with integer bounds", async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  await app.services.ingest.ingestMany(
    Array.from({ length: 12 }, (_, index) => ({
      raw: plainArticle({ title: `Ferry timetable ${index + 1} changes for the harbour crossing` }),
      contentType: 'text/plain',
      overrides: {},
    })),
  );
  const db = openReadOnlyDatabase(databaseUrlOf(app).slice('file:'.length));
  t.teardown(() => db.$client.close());
  // Every statement the repository prepares, as written.
  const prepared: string[] = [];
  const prepare = db.$client.prepare.bind(db.$client);
  db.$client.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  }) as typeof db.$client.prepare;
  // A sample smaller than the matches, so ranking works on a stretch of the index.
  const articles = createArticlesRepository(db, { searchSampleSize: 5 });
  for (const match of [toFullTextQuery('ferry'), toFullTextQuery('the harbour')]) {
    const page = await articles.listArticles({ match, sort: 'relevance', limit: 3 } as ArticleListQuery);
    t.equal(page.data.length, 3, `${match}: a page of results`);
  }

  const ranged = prepared.filter((source) => /rowid BETWEEN/.test(source));
  t.ok(ranged.length >= 2, `ranking and snippets bound the index by id (${ranged.length} statements)`);
  const bareBounds = /rowid\s+(?:BETWEEN|[<>]=?|=)\s+[@?:$]/i;
  t.same(
    prepared.filter((source) => /articles_fts/.test(source) && bareBounds.test(source)),
    [],
    'none compares the rowid with a parameter as bound (REAL: FTS5 would read every match)',
  );
});

t.test('ranked: scored ids by score then id, the unscored after them, newest first', async (t) => {
  // A sample lists its ids newest first; an OR query's matches of only its common word go unscored.
  const sample = [90, 80, 70, 60, 50, 40, 30];
  const scores = new Map([
    [70, -2.5],
    [40, -4],
    [80, -2.5],
    [30, -1],
  ]);
  t.same(byScore(sample, scores), [40, 70, 80, 30, 90, 60, 50]);
  t.same(sample, [90, 80, 70, 60, 50, 40, 30], 'the sample is left as it was');
});
