import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testApiKey } from '../test/support/app.js';
import { type ServerProcess, startServerProcess } from '../test/support/processes.js';
import { ingestFor, missingArticles } from '../test/support/writers.js';
import { isMain, median, percentile } from './support.js';

/**
 * Several Gazette processes on one database file: each ingests (single POSTs and NDJSON batches of
 * `BENCH_WRITERS_BATCH` lines, 10 by default) for `BENCH_WRITERS_SECONDS` (30 by default) while one reader per process pages through
 * `/v1/articles`, and one more process on the same file only serves reads. Reports errors, losses,
 * ingest rate, and read latency during the ingest beside the same readers before it (same
 * processes, same database): the baseline of this run. The read-only process shows what other
 * processes' writes cost a reader; the ingesting ones add their own parsing on the event loop. Last,
 * the read-only process again beside as many processes that only spin: what busy cores alone cost.
 */

const seconds = Number(process.env.BENCH_WRITERS_SECONDS ?? 30);
const batchSize = Number(process.env.BENCH_WRITERS_BATCH ?? 10);

async function readFor(urls: string[], durationMs: number, signal?: AbortSignal): Promise<number[]> {
  const timings: number[] = [];
  const deadline = Date.now() + durationMs;
  await Promise.all(
    urls.map(async (url) => {
      while (Date.now() < deadline && !signal?.aborted) {
        const started = performance.now();
        const response = await fetch(`${url}/v1/articles?limit=20`);
        await response.arrayBuffer();
        timings.push(performance.now() - started);
        if (!response.ok) throw new Error(`read answered ${response.status}`);
      }
    }),
  );
  return timings;
}

const ms = (value: number) => value.toFixed(1);

/**
 * `count` processes that keep a core busy for `durationMs` and touch no database: the control for
 * reads during ingest, since on a machine with fewer cores than writers a reader waits for the CPU
 * whatever the writers do with it.
 */
async function spin(count: number, durationMs: number): Promise<void> {
  const loop = `const end = Date.now() + ${durationMs}; while (Date.now() < end);`;
  await Promise.all(
    Array.from({ length: count }, () =>
      once(spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }), 'exit'),
    ),
  );
}

export async function benchWriters(counts = [2, 4]) {
  console.log(
    `\n## bench:writers — processes ingesting into one file for ${seconds} s (single POSTs and batches of ${batchSize})\n`,
  );
  console.log(
    '| writers | acknowledged | articles/s | errors | missing | reads on | p50 before → during (ms) | p99 before → during (ms) | max during (ms) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const count of counts) {
    const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-writers-'));
    const databasePath = path.join(directory, 'gazette.db');
    const servers: ServerProcess[] = [];
    try {
      servers.push(
        ...(await Promise.all(
          Array.from({ length: count + 1 }, () => startServerProcess(databasePath, { API_KEYS: testApiKey })),
        )),
      );
      const writers = servers.slice(0, count).map((server) => server.url);
      const reader = servers[count]!.url;
      // Something to read, then the readers alone: the baseline.
      await ingestFor(writers, { durationMs: 3000 });
      const [beforeWriters, beforeReader] = await Promise.all([
        readFor(writers, 5000),
        readFor([reader], 5000),
      ]);
      const controller = new AbortController();
      const [load, duringWriters, duringReader] = await Promise.all([
        ingestFor(writers, { durationMs: seconds * 1000, batchSize }).finally(() => controller.abort()),
        readFor(writers, seconds * 1000, controller.signal),
        readFor([reader], seconds * 1000, controller.signal),
      ]);
      const missing = missingArticles(databasePath, load.acknowledged);
      const latency = (before: number[], during: number[]) =>
        `${ms(median(before))} → ${ms(median(during))} | ${ms(percentile(before, 0.99))} → ${ms(percentile(during, 0.99))} | ${ms(Math.max(...during))}`;
      const totals = `${load.acknowledged.size} | ${(load.acknowledged.size / seconds).toFixed(0)} | ${load.errors.length} | ${missing.length}`;
      console.log(
        `| ${count} | ${totals} | the ${count} writers | ${latency(beforeWriters, duringWriters)} |`,
      );
      console.log(`| ${count} | | | | | a read-only process | ${latency(beforeReader, duringReader)} |`);
      if (load.errors.length) console.log(`  first errors: ${load.errors.slice(0, 3).join(' / ')}`);
      // Read as the baseline was read (every process at once), so only the spinning differs.
      const [, , duringSpin] = await Promise.all([
        spin(count, 10_000),
        readFor(writers, 10_000),
        readFor([reader], 10_000),
      ]);
      console.log(
        `| ${count} | | | | | the read-only process, beside ${count} processes that only spin (no database) | ${latency(beforeReader, duringSpin)} |`,
      );
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(directory, { recursive: true, force: true });
    }
  }
}

if (isMain(import.meta.url)) await benchWriters();
