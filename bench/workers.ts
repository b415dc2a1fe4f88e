import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { type ServerProcess, startServerProcess } from '../test/support/processes.js';
import { benchDatabase } from './http-database.js';
import { isMain, median } from './support.js';

/**
 * One Gazette process against `serve --workers 2` on the same data: req/s for one article, a page
 * of the list and a search, measured in alternating rounds of the same run, reported as ratios
 * (two processes ÷ one). Both servers run throughout; only the one under load is busy.
 */

const size = Number(process.env.BENCH_SIZE ?? 10_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const searchWord = process.env.BENCH_SEARCH ?? 'year';

async function requestsPerSecond(url: string): Promise<{ rps: number; failures: number }> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    rps: result.requests.total / seconds,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

function middleSlug(databasePath: string): string {
  const db = new Database(databasePath, { readonly: true });
  try {
    const count = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
    return db
      .prepare('SELECT slug FROM articles ORDER BY id LIMIT 1 OFFSET ?')
      .pluck()
      .get(Math.floor(count / 2)) as string;
  } finally {
    db.close();
  }
}

export async function benchWorkers() {
  // A copy of its own: the servers migrate it, and the cached database stays as it was built.
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-workers-'));
  const databasePath = path.join(directory, 'gazette.db');
  copyFileSync(await benchDatabase(size), databasePath);
  const cases = [
    { name: 'one article', path: `/v1/articles/${middleSlug(databasePath)}` },
    { name: 'page of 20', path: '/v1/articles' },
    { name: `search q=${searchWord}`, path: `/v1/articles?q=${searchWord}` },
  ];
  const servers: Record<'one' | 'two', ServerProcess | undefined> = { one: undefined, two: undefined };
  try {
    servers.one = await startServerProcess(databasePath);
    servers.two = await startServerProcess(databasePath, { WORKERS: '2' });
    const rps = new Map<string, { one: number[]; two: number[] }>(
      cases.map((c) => [c.name, { one: [], two: [] }]),
    );
    let failures = 0;
    for (let round = 0; round < rounds; round++) {
      for (const { name, path: target } of cases) {
        // Alternate which goes first, so neither always runs on a machine warmed by the other.
        const order = round % 2 === 0 ? (['one', 'two'] as const) : (['two', 'one'] as const);
        for (const which of order) {
          const result = await requestsPerSecond(`${servers[which]!.url}${target}`);
          rps.get(name)![which].push(result.rps);
          failures += result.failures;
        }
      }
    }
    console.log(
      `\n${size} articles, ${connections} connections, ${rounds} rounds of ${seconds} s, median req/s:`,
    );
    console.log(`${'case'.padEnd(16)} ${'1 process'.padStart(10)} ${'2 workers'.padStart(10)}  ratio`);
    for (const { name } of cases) {
      const { one, two } = rps.get(name)!;
      const [a, b] = [median(one), median(two)];
      console.log(
        `${name.padEnd(16)} ${a.toFixed(0).padStart(10)} ${b.toFixed(0).padStart(10)}  ${(b / a).toFixed(2)}×`,
      );
    }
    console.log(`failed requests: ${failures}`);
  } finally {
    await Promise.all([servers.one?.stop(), servers.two?.stop()]);
    rmSync(directory, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchWorkers();
