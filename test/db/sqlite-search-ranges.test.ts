import Database from 'better-sqlite3';
import t from 'tap';
import { fullTextSearch } from '../../src/search/sqlite.js';

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
