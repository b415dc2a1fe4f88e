import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { plainArticle, testApiKey } from '../support/app.js';
import { type ServerProcess, startServerProcess } from '../support/processes.js';
import { ingestFor, missingArticles } from '../support/writers.js';

/**
 * Several Gazette processes ingesting into one database file: none may answer an error, and every
 * article any of them acknowledged must be stored. (The 30-second run, with read latencies, is
 * `npm run bench:writers`.)
 */
t.test('two and four processes ingest into one file without errors or loss', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-writers-'));
  const databasePath = path.join(directory, 'gazette.db');
  const servers: ServerProcess[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(directory, { recursive: true, force: true });
  });
  // All four start together on an empty file: they race for the migrations too.
  servers.push(
    ...(await Promise.all(
      [1, 2, 3, 4].map(() => startServerProcess(databasePath, { API_KEYS: testApiKey })),
    )),
  );

  for (const count of [2, 4]) {
    const load = await ingestFor(
      servers.slice(0, count).map((server) => server.url),
      { durationMs: 2500, batchSize: 10 },
    );
    t.ok(
      load.acknowledged.size > count * 5,
      `${count} processes: ${load.acknowledged.size} articles acknowledged`,
    );
    t.same(load.errors.slice(0, 5), [], `${count} processes: no errors in ${load.requests} requests`);
    t.same(
      missingArticles(databasePath, load.acknowledged),
      [],
      `${count} processes: every acknowledged article stored`,
    );
  }

  // One process's front page, kept in its response cache, shows what another process just stored.
  const [writer, reader] = [servers[0]!, servers[1]!];
  const front = async () =>
    ((await (await fetch(`${reader.url}/v1/articles?limit=1`)).json()) as Front).data[0];
  const before = await front();
  t.same(await front(), before, 'asked again, unchanged');
  const stored = await fetch(`${writer.url}/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testApiKey}`, 'content-type': 'text/plain' },
    body: plainArticle({ title: 'Ferry terminal reopens after the storm', date: '2026-03-04' }),
  });
  t.equal(stored.status, 201);
  t.equal(
    (await front())?.title,
    'Ferry terminal reopens after the storm',
    'the other process sees it at once',
  );
});

interface Front {
  data: { title: string }[];
}
