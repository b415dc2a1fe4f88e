import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { workerPoolEnvironment } from '../../src/worker-pools.js';
import { testApiKey } from '../support/app.js';
import { freePort, startServerProcess } from '../support/processes.js';
import { ingestFor, missingArticles } from '../support/writers.js';

/** One scrape of /metrics on a connection of its own (the cluster deals connections out in turn). */
function scrape(url: string): Promise<{ pid: number; created: number }> {
  return new Promise((resolve, reject) => {
    get(`${url}/metrics`, { agent: false, timeout: 3000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      response.on('end', () => {
        const pid = /^gazette_worker_info\{[^}]*pid="(\d+)"\} 1$/m.exec(text)?.[1];
        if (response.statusCode !== 200 || !pid) return reject(new Error(`no worker in /metrics: ${text}`));
        const created = /^gazette_ingest_articles_total\{outcome="created"\} (\d+)$/m.exec(text)?.[1];
        resolve({ pid: Number(pid), created: Number(created ?? 0) });
      });
    })
      .on('timeout', function (this: ClientRequest) {
        this.destroy(new Error('no answer within 3 s'));
      })
      .on('error', reject);
  });
}

/**
 * The workers seen in `scrapes` scrapes, by pid, with the articles each says it created; a scrape
 * that fails (a connection handed to a worker as it was killed) is counted, not thrown.
 */
async function workersSeen(url: string, scrapes = 8): Promise<{ seen: Map<number, number>; failed: number }> {
  const seen = new Map<number, number>();
  let failed = 0;
  for (let index = 0; index < scrapes; index++) {
    try {
      const { pid, created } = await scrape(url);
      seen.set(pid, created);
    } catch {
      failed++;
    }
  }
  return { seen, failed };
}

/** Scrapes until `found` picks something out of the workers seen, or 20 seconds pass. */
async function waitForWorkers<T>(
  url: string,
  found: (seen: Map<number, number>) => T | undefined,
): Promise<{ value: T | undefined; failed: number }> {
  const deadline = Date.now() + 20_000;
  let failed = 0;
  while (Date.now() < deadline) {
    const round = await workersSeen(url, 4);
    failed += round.failed;
    const value = found(round.seen);
    if (value !== undefined) return { value, failed };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { value: undefined, failed };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

t.test('thread pools are divided among workers unless set explicitly', async (t) => {
  const config = (environment: Record<string, string>) => loadConfig({ WORKERS: '2', ...environment });
  t.same(workerPoolEnvironment(config({}), 2), { PARSE_THREADS: '1', SEARCH_WORKERS: '1' });
  t.same(workerPoolEnvironment(config({}), 8), { PARSE_THREADS: '4', SEARCH_WORKERS: '2' });
  t.same(workerPoolEnvironment(config({ WORKERS: '4' }), 2), { PARSE_THREADS: '1', SEARCH_WORKERS: '1' });
  t.same(workerPoolEnvironment(config({ PARSE_THREADS: '3', SEARCH_WORKERS: '5' }), 2), {
    PARSE_THREADS: '3',
    SEARCH_WORKERS: '5',
  });
  t.throws(() => loadConfig({ WORKERS: '0' }), /WORKERS/);
});

t.test('serve --workers 2: both answer, ingest loses nothing, a killed worker is replaced', async (t) => {
  t.setTimeout(90_000);
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-workers-'));
  const databasePath = path.join(directory, 'gazette.db');
  const server = await startServerProcess(databasePath, { API_KEYS: testApiKey, WORKERS: '2' });
  t.teardown(async () => {
    server.child.kill('SIGKILL');
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  // /healthz answered once one worker listened; the other may still be starting.
  const { value: first } = await waitForWorkers(server.url, (seen) => (seen.size === 2 ? seen : undefined));
  t.equal(first?.size, 2, `two workers answer /metrics (${[...(first?.keys() ?? [])].join(', ')})`);
  if (!first) return;
  t.notOk(first.has(server.child.pid!), 'the primary itself serves nothing');

  // Many concurrent clients on the one port: two per URL, four times over.
  const load = await ingestFor(Array(4).fill(server.url), { durationMs: 3000, batchSize: 10 });
  t.ok(load.acknowledged.size > 20, `${load.acknowledged.size} articles acknowledged`);
  t.same(load.errors.slice(0, 5), [], `no errors in ${load.requests} requests`);
  t.same(missingArticles(databasePath, load.acknowledged), [], 'every acknowledged article stored');
  const { seen: afterIngest } = await workersSeen(server.url);
  t.ok(
    afterIngest.size === 2 && [...afterIngest.values()].every((created) => created > 0),
    `both workers ingested (${[...afterIngest.values()].join(' and ')} articles)`,
  );

  const [victim, survivor] = [...first.keys()] as [number, number];
  process.kill(victim, 'SIGKILL');
  const { value: replacement, failed } = await waitForWorkers(server.url, (seen) =>
    [...seen.keys()].find((pid) => pid !== survivor && pid !== victim),
  );
  t.ok(replacement, `a new worker (${replacement}) replaced the killed one (${victim})`);
  t.ok(
    failed <= 2,
    `answers went on while it was replaced (${failed} connections lost with the killed worker)`,
  );
  t.ok(alive(survivor), 'the other worker kept running');
  const after = await workersSeen(server.url);
  t.same([after.failed, after.seen.size], [0, 2], 'then every request is answered, by both workers');

  const { port } = new URL(server.url);
  await server.stop();
  t.equal(server.child.exitCode, 0, 'SIGTERM: the primary exits 0');
  t.ok(!alive(survivor) && (replacement === undefined || !alive(replacement)), 'no worker is left');
  t.ok(await portFree(Number(port)), 'the port is free');
});

t.test('workers that cannot listen stop the primary with exit 1 rather than a restart loop', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-workers-'));
  const port = await freePort();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--workers', '2'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${path.join(directory, 'gazette.db')}`,
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  t.teardown(() => {
    clearTimeout(timer);
    child.kill('SIGKILL');
    taken.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const [code] = await once(child, 'exit');
  t.equal(code, 1, 'the primary exits 1');
});
