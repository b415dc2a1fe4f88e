import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { dataVersionOf, openDatabase, openReadOnlyDatabase } from '../../src/db/sqlite/connection.js';

/** The page cache a connection may fill, in KiB (a negative `cache_size` is a size, not pages). */
const pageCacheKib = (sqlite: { pragma: (source: string, options: { simple: true }) => unknown }) =>
  -Number(sqlite.pragma('cache_size', { simple: true }));

/**
 * A database with a `notes` table in a directory of its own, its main connection, and a second
 * connection opened by `open`; both closed and the directory removed when the test ends.
 */
function twoConnections<T extends { close: () => unknown }>(
  t: { teardown: (fn: () => void) => void },
  open: (databasePath: string) => T,
) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-connection-'));
  const main = openDatabase(path.join(directory, 'gazette.db')).$client;
  main.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
  const second = open(path.join(directory, 'gazette.db'));
  t.teardown(() => {
    second.close();
    main.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return { main, second };
}

t.test('connections bound their page caches below the driver default of 16 MB', async (t) => {
  const { main, second: reader } = twoConnections(t, (file) => openReadOnlyDatabase(file).$client);

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
    const { main, second: other } = twoConnections(t, (file) => openDatabase(file).$client);
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
