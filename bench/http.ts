import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { isMain, median } from './support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = 3;

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/**
 * Requests/s of Gazette against a bare Fastify + better-sqlite3 route serving the same data, both
 * measured in the same run, alternating, median of three rounds each (SPEC §7 targets: one article
 * ≥ 80% of bare, list and search ≥ 60%).
 */
export async function benchHttp() {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-http-'));
  const servers = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'http-servers.ts'),
      path.join(directory, 'gazette.db'),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: servers.stdout }).once('line', resolve),
    );
    const { gazette, bare } = JSON.parse(line) as { gazette: string; bare: string };
    const cases = [
      {
        name: 'GET one article',
        gazette: `${gazette}/v1/articles/1000`,
        bare: `${bare}/articles/1000`,
        target: 0.8,
      },
      {
        name: 'GET list (first page)',
        gazette: `${gazette}/v1/articles`,
        bare: `${bare}/articles`,
        target: 0.6,
      },
      {
        name: 'GET search',
        gazette: `${gazette}/v1/articles?q=economy`,
        bare: `${bare}/search?q=economy`,
        target: 0.6,
      },
    ];
    console.log(`http, autocannon 10 connections × ${seconds} s, median of ${rounds} rounds:`);
    for (const entry of cases) {
      const ours: number[] = [];
      const baseline: number[] = [];
      for (let round = 0; round < rounds; round++) {
        baseline.push(await requestsPerSecond(entry.bare));
        ours.push(await requestsPerSecond(entry.gazette));
      }
      const ratio = median(ours) / median(baseline);
      console.log(
        `  ${entry.name.padEnd(22)} Gazette ${Math.round(median(ours))} req/s | bare ${Math.round(median(baseline))} req/s | ${(ratio * 100).toFixed(0)}% (target ≥ ${entry.target * 100}%)`,
      );
    }
  } finally {
    servers.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchHttp();
