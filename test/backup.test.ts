import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { BackupError, backupDatabase, restoreDatabase } from '../src/db/sqlite/backup.js';
import { plainArticle, testApiKey } from './support/app.js';

const run = promisify(execFile);
const gazette = path.resolve(import.meta.dirname, '../bin/gazette.js');

async function cli(args: string[], databasePath: string, databaseUrl = `file:${databasePath}`) {
  try {
    const { stdout, stderr } = await run(process.execPath, [gazette, ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

const appOn = (databasePath: string) =>
  buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, API_KEYS: testApiKey }), { logger: false });

const integrity = (databasePath: string) => {
  const database = new Database(databasePath, { readonly: true });
  const result = database.pragma('integrity_check', { simple: true });
  database.close();
  return result;
};

t.test(
  'gazette backup during a running batch ingest; gazette restore serves what was acknowledged',
  async (t) => {
    const directory = t.testdir();
    const livePath = path.join(directory, 'live.db');
    const backupPath = path.join(directory, 'backup.db');
    const restoredPath = path.join(directory, 'restored', 'gazette.db');

    const server = await appOn(livePath);
    t.teardown(() => server.close());
    await server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.server.address() as AddressInfo;

    // One NDJSON batch request that keeps sending lines until told to stop; results are read as they
    // stream back, and each one is an acknowledged article.
    const acknowledged: number[] = [];
    let answered = 0;
    const request = http.request({
      port,
      method: 'POST',
      path: '/v1/ingest/batch',
      headers: { authorization: `Bearer ${testApiKey}`, 'content-type': 'application/x-ndjson' },
    });
    const finished = new Promise<void>((resolve, reject) => {
      request.on('error', reject);
      request.on('response', (response) => {
        let pending = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const result = JSON.parse(line) as { status: string; article_id: number | null };
            answered++;
            if (result.article_id !== null) acknowledged.push(result.article_id);
          }
        });
        response.on('end', resolve);
      });
    });
    // At most 20 lines ahead of the answers: the ingest never stops, but no backlog piles up that
    // the test would then wait for on a slow machine.
    let sending = true;
    let sent = 0;
    const writer = (async () => {
      while (sending) {
        if (sent - answered < 20) {
          request.write(
            Array.from({ length: 10 }, () => `${JSON.stringify({ raw: plainArticle() })}\n`).join(''),
          );
          sent += 10;
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      request.end();
    })();

    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = [...acknowledged];
    const backedUp = await cli(['backup', backupPath], livePath);
    const acknowledgedByThen = acknowledged.length;
    t.equal(backedUp.code, 0, backedUp.stderr);
    t.match(backedUp.stdout, /integrity ok/);
    t.ok(acknowledgedByThen > before.length, 'the batch went on ingesting while the backup ran');
    sending = false;
    await writer;
    await finished;
    t.ok(acknowledged.length >= acknowledgedByThen);

    const restored = await cli(['restore', backupPath], restoredPath);
    t.equal(restored.code, 0, restored.stderr);
    t.equal(integrity(restoredPath), 'ok');
    const app = await appOn(restoredPath);
    t.teardown(() => app.close());
    for (const id of before) {
      const response = await app.inject(`/v1/articles/${id}`);
      if (response.statusCode !== 200) t.fail(`article ${id}, acknowledged before the backup, is missing`);
    }
    t.pass(`all ${before.length} articles acknowledged before the backup are served`);
    t.ok((await app.services.catalog.countArticles()) >= before.length);

    const refused = await cli(['restore', backupPath], restoredPath);
    t.equal(refused.code, 1, 'a database in use is never replaced');
    t.match(refused.stderr, /in use \(is the server running\?\)/);
  },
);

t.test('restore checks the backup first; backup never overwrites', async (t) => {
  const directory = t.testdir({ 'not-sqlite.db': 'this is not a database, just some text '.repeat(200) });
  const target = path.join(directory, 'target.db');
  const livePath = path.join(directory, 'live.db');
  await (await appOn(livePath)).close();

  await t.rejects(restoreDatabase(path.join(directory, 'not-sqlite.db'), target), {
    constructor: BackupError,
    message: /not a SQLite database/,
  });
  const foreign = path.join(directory, 'foreign.db');
  const other = new Database(foreign);
  other.exec('CREATE TABLE notes (body TEXT)');
  other.close();
  await t.rejects(restoreDatabase(foreign, target), { message: /no migrations table/ });

  const future = path.join(directory, 'future.db');
  await backupDatabase(livePath, future);
  const ahead = new Database(future);
  ahead.exec(`INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('x', ${Date.now() * 10})`);
  ahead.close();
  await t.rejects(restoreDatabase(future, target), { message: /newer Gazette/ });

  // Over an existing database that has moved on since the backup: the backup's state comes back.
  const earlier = path.join(directory, 'earlier.db');
  const live = await appOn(livePath);
  await live.services.ingest.ingestArticle({ raw: plainArticle(), contentType: 'text/plain', overrides: {} });
  await backupDatabase(livePath, earlier);
  await live.services.ingest.ingestArticle({ raw: plainArticle(), contentType: 'text/plain', overrides: {} });
  t.equal(await live.services.catalog.countArticles(), 2);
  await live.close();
  t.match(await restoreDatabase(earlier, livePath), { articles: 1, pendingMigrations: false });
  const back = await appOn(livePath);
  t.equal(await back.services.catalog.countArticles(), 1, 'the later article is gone with the restore');
  await back.close();
  t.equal(integrity(livePath), 'ok');

  writeFileSync(path.join(directory, 'taken.db'), '');
  await t.rejects(backupDatabase(livePath, path.join(directory, 'taken.db')), { message: /already exists/ });
});

t.test('backup and restore refuse a PostgreSQL database in one line, before connecting', async (t) => {
  const directory = t.testdir();
  // Nothing listens on port 1: a command that tried to connect would fail differently.
  const url = 'postgres://gazette@127.0.0.1:1/gazette';
  for (const command of ['backup', 'restore']) {
    const result = await cli([command, path.join(directory, 'copy.db')], '', url);
    t.not(result.code, 0, `${command} fails`);
    t.match(result.stderr, /^gazette: backup and restore work on SQLite only; on PostgreSQL use pg_dump/);
    t.equal(result.stderr.trim().split('\n').length, 1, `${command} says it in one line`);
  }
});
