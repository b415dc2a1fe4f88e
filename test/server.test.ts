import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { buildBundle } from '../scripts/build.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { listIngestibleFiles } from '../src/services/ingest-files.js';
import { seedsFolder } from '../src/services/seed.js';
import { plainArticle } from './support/app.js';

const gazette = path.resolve(import.meta.dirname, '../bin/gazette.js');
const seedCount = (await listIngestibleFiles([seedsFolder])).length;

/**
 * Starts `gazette serve` from `entry` on an empty database and checks what a fresh install must do:
 * seed (migrations, the seeds folder, the parser workers), answer reads and searches (the read
 * workers), serve the docs' assets, and shut down cleanly on SIGTERM.
 */
async function serveFreshInstall(t: Test, entry: string) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-serve-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const server = spawn(process.execPath, [entry, 'serve'], {
    // Another working directory: files shipped with Gazette are found from the package.
    cwd: directory,
    env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: `file:${path.join(directory, 'gazette.db')}` },
  });
  // A failed check must not leave the server running.
  t.teardown(() => server.kill('SIGKILL'));
  let output = '';
  server.stdout.on('data', (chunk) => {
    output += chunk;
  });
  server.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    server.stdout.on('data', () => {
      const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });

  const list = await fetch(`${address}/v1/articles?include_total=true`);
  t.equal(list.status, 200);
  const body = (await list.json()) as { data: { title: string }[]; page: { total: number } };
  t.ok(seedCount >= 6, 'there are at least six seeds');
  t.equal(body.page.total, seedCount, 'every seed was ingested');
  const word = body.data[0]!.title.split(' ')[0]!;
  const search = await fetch(`${address}/v1/articles?q=${encodeURIComponent(word)}&facets=tag`);
  t.equal(search.status, 200, 'a search is answered');
  t.ok(
    ((await search.json()) as { data: unknown[] }).data.length > 0,
    `a search for "${word}" finds its article`,
  );
  const asset = await fetch(`${address}/docs/static/swagger-ui-bundle.js`);
  t.equal(asset.status, 200, 'the docs page has its scripts');
  await asset.arrayBuffer();
  const missing = await fetch(`${address}/v1/articles/nope`);
  t.equal(missing.status, 404);
  t.match(missing.headers.get('content-type'), /^application\/problem\+json/);

  // A request the server has accepted when SIGTERM arrives still gets its answer.
  const inFlight = fetch(`${address}/v1/articles?limit=100`);
  await new Promise<void>((resolve) => {
    const check = () => (output.includes('limit=100') ? resolve() : setTimeout(check, 5));
    check();
  });
  server.kill('SIGTERM');
  t.equal((await inFlight).status, 200);
  t.equal(await exited, 0);
  t.match(output, /shutting down/);
  t.match(output, /"reqId"/, 'logs are structured JSON with request ids');
}

t.test('gazette serve from the sources: a fresh install seeds, serves and shuts down cleanly', (t) =>
  serveFreshInstall(t, gazette),
);

t.test('the build `npm start` serves does the same as the sources', async (t) => {
  // Inside the package, as dist/ is: the bundle finds node_modules and the shipped files from there.
  const outdir = t.testdir();
  await buildBundle(outdir);
  await serveFreshInstall(t, path.join(outdir, 'cli.js'));
});

t.test(
  'SEED_ON_EMPTY=false starts with an empty catalogue; a non-empty database is never re-seeded',
  async (t) => {
    const databaseUrl = `file:${t.testdir()}/gazette.db`;
    const empty = await startServer(
      loadConfig({ PORT: '0', DATABASE_URL: databaseUrl, SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent' }),
    );
    t.equal(await empty.services.catalog.countArticles(), 0);
    await empty.services.ingest.ingestArticle({
      raw: plainArticle(),
      contentType: 'text/plain',
      overrides: {},
    });
    await empty.close();

    const again = await startServer(
      loadConfig({ PORT: '0', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
    );
    t.equal(await again.services.catalog.countArticles(), 1, 'one article already there: no seeds added');
    await again.close();
  },
);

t.test('the Docker image starts Gazette with the same command and Node flags as npm start', async (t) => {
  const root = path.resolve(import.meta.dirname, '..');
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const command = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
  t.ok(command, 'the Dockerfile has a CMD in exec form');
  t.same(JSON.parse(command ?? '[]'), scripts.start.split(' '));
});
