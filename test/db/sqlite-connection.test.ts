import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { dataVersionOf, openDatabase, openReadOnlyDatabase } from '../../src/db/sqlite/connection.js';

/** The page cache a connection may fill, in KiB (a negative `cache_size` is a size, not pages). */
const pageCacheKib = (sqlite: { pragma: (source: string, options: { simple: true }) => unknown }) =>
  -Number(sqlite.pragma('cache_size', { simple: true }));

t.test('connections bound their page caches below the driver default of 16 MB', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-connection-'));
  const main = openDatabase(path.join(directory, 'gazette.db')).$client;
  main.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
  const reader = openReadOnlyDatabase(path.join(directory, 'gazette.db')).$client;
  t.teardown(() => {
    reader.close();
    main.close();
    rmSync(directory, { recursive: true, force: true });
  });

  // Under varied searches, connections at 16 MB each were a quarter of the server's resident memory.
  for (const [name, sqlite] of [
    ['main', main],
    ['read worker', reader],
  ] as const) {
    t.ok(pageCacheKib(sqlite) > 0 && pageCacheKib(sqlite) <= 8192, `${name}: ${pageCacheKib(sqlite)} KiB`);
  }
});

t.test(
  "the data version changes with every commit, this connection's own and others', and only then",
  async (t) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'gazette-connection-'));
    const main = openDatabase(path.join(directory, 'gazette.db')).$client;
    main.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
    const other = openDatabase(path.join(directory, 'gazette.db')).$client;
    t.teardown(() => {
      other.close();
      main.close();
      rmSync(directory, { recursive: true, force: true });
    });
    const version = dataVersionOf(main);
    const seen = new Set([version()]);
    t.equal(version(), [...seen][0], 'unchanged without a commit');
    main.exec('INSERT INTO notes DEFAULT VALUES');
    t.notOk(seen.has(version()), "changed by this connection's commit");
    seen.add(version());
    other.exec('INSERT INTO notes DEFAULT VALUES');
    t.notOk(seen.has(version()), "changed by another connection's commit");
    seen.add(version());
    main.prepare('SELECT count(*) FROM notes').get();
    t.ok(seen.has(version()), 'unchanged by a read');
  },
);
