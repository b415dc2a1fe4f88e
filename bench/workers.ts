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

/** A copy of the cached bench database of `size` articles: servers migrate it, the cache stays as built. */
export async function benchDatabaseCopy(size: number): Promise<{ databasePath: string; remove: () => void }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-copy-'));
  const databasePath = path.join(directory, 'gazette.db');
  copyFileSync(await benchDatabase(size), databasePath);
  return { databasePath, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export interface Case {
  name: string;
  path: string;
}

/** One article, a page of the list and a search, on the data of `databasePath`. */
export function readCases(databasePath: string): Case[] {
  return [
    { name: 'one article', path: `/v1/articles/${middleSlug(databasePath)}` },
    { name: 'page of 20', path: '/v1/articles' },
    { name: `search q=${searchWord}`, path: `/v1/articles?q=${searchWord}` },
  ];
}

/**
 * req/s of two servers on each case, in alternating rounds of the same run, printed as medians and
 * the ratio second ÷ first.
 */
export async function compareServers(
  title: string,
  servers: { name: string; url: string }[],
  cases: Case[],
): Promise<void> {
  const [first, second] = servers as [{ name: string; url: string }, { name: string; url: string }];
  const rps = new Map(cases.map((c) => [c.name, [[], []] as [number[], number[]]]));
  let failures = 0;
  for (let round = 0; round < rounds; round++) {
    for (const { name, path: target } of cases) {
      // Alternate which goes first, so neither always runs on a machine warmed by the other.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const result = await requestsPerSecond(`${[first, second][which]!.url}${target}`);
        rps.get(name)![which]!.push(result.rps);
        failures += result.failures;
      }
    }
  }
  console.log(`\n${title}: ${connections} connections, ${rounds} rounds of ${seconds} s, median req/s:`);
  console.log(`  ${'case'.padEnd(18)} ${first.name.padStart(11)} ${second.name.padStart(11)}  ratio`);
  for (const { name } of cases) {
    const [a, b] = rps.get(name)!.map(median) as [number, number];
    console.log(
      `  ${name.padEnd(18)} ${a.toFixed(0).padStart(11)} ${b.toFixed(0).padStart(11)}  ${(b / a).toFixed(2)}×`,
    );
  }
  console.log(`  failed requests: ${failures}`);
}

/** One process against `serve --workers 2` on a copy of the bench database of `size` articles. */
export async function benchWorkers(size = Number(process.env.BENCH_SIZE ?? 10_000)) {
  const copy = await benchDatabaseCopy(size);
  const servers: ServerProcess[] = [];
  try {
    servers.push(await startServerProcess(copy.databasePath));
    servers.push(await startServerProcess(copy.databasePath, { WORKERS: '2' }));
    await compareServers(
      `${size} articles, one process against two`,
      [
        { name: '1 process', url: servers[0]!.url },
        { name: '2 workers', url: servers[1]!.url },
      ],
      readCases(copy.databasePath),
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    copy.remove();
  }
}

if (isMain(import.meta.url)) await benchWorkers();
