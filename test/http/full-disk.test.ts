import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import type * as AppModule from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type * as StorageModule from '../../src/db/open.js';
import type * as Connection from '../../src/db/sqlite/connection.js';
import type * as SqliteStorageModule from '../../src/db/sqlite/storage.js';
import { auth, plainArticle, testApiKey } from '../support/app.js';

/**
 * A full disk is simulated with `PRAGMA max_page_count` on the app's own connection: SQLite then
 * answers SQLITE_FULL exactly as it does when the file system has no room left.
 */
t.test('a full disk answers 507 problems and /readyz says not ready until there is room', async (t) => {
  const actual = await import('../../src/db/sqlite/connection.js');
  let opened: Connection.Db | undefined;
  // The app opens its database through db/open.ts and db/sqlite/storage.ts, loaded with the
  // connection module replaced, so the test holds the very connection the app writes through.
  const sqliteStorage = await t.mockImport<typeof SqliteStorageModule>('../../src/db/sqlite/storage.js', {
    '../../src/db/sqlite/connection.js': {
      ...actual,
      openDatabase: (databasePath: string) => {
        opened = actual.openDatabase(databasePath);
        return opened;
      },
    },
  });
  const storage = await t.mockImport<typeof StorageModule>('../../src/db/open.js', {
    '../../src/db/sqlite/storage.js': sqliteStorage,
  });
  const { buildApp } = await t.mockImport<typeof AppModule>('../../src/app.js', {
    '../../src/db/open.js': storage,
  });
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-full-'));
  const config = loadConfig({ DATABASE_URL: `file:${path.join(directory, 'g.db')}`, API_KEYS: testApiKey });
  // Reads stay on this thread: worker threads would load the unmocked module graph afresh.
  const app = await buildApp(config, { logger: false, readWorkers: false });
  t.teardown(async () => {
    await app.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const sqlite = opened!.$client;
  const ingest = (payload: string, url = '/v1/ingest', type = 'text/plain') =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': type }, payload });

  t.equal((await ingest(plainArticle())).statusCode, 201, 'room at first');
  const before = (await app.inject('/v1/articles?include_total=true')).json().page.total;

  sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true })}`);
  const large = plainArticle({ title: 'A long report that needs new pages' }).repeat(40);
  const refused = await ingest(large);
  t.equal(refused.statusCode, 507);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), { status: 507, title: 'Insufficient Storage', detail: /no room/ });

  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 503, 'not ready while the disk is full');
  t.match(ready.json(), { status: 'unavailable', checks: { database: true, storage: false } });

  const batch = await ingest(
    `${JSON.stringify({ raw: plainArticle({ title: 'Batch line on a full disk' }).repeat(40) })}\n`,
    '/v1/ingest/batch',
    'application/x-ndjson',
  );
  t.equal(batch.statusCode, 200);
  t.match(JSON.parse(batch.body), { line: 1, status: 'rejected', problem: { status: 507 } });

  const list = await app.inject('/v1/articles?include_total=true');
  t.equal(list.statusCode, 200, 'reads go on');
  t.equal(list.json().page.total, before, 'nothing half-stored');
  t.equal((await app.inject('/readyz')).statusCode, 503, 'still not ready');

  sqlite.pragma('max_page_count = 1073741823');
  const again = await app.inject('/readyz');
  t.equal(again.statusCode, 200, 'ready once there is room');
  t.equal((await ingest(large)).statusCode, 201, 'writes work again');
  t.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
});
