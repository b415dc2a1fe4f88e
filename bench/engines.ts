import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loadCorpus } from './corpus.js';
import { isMain, median } from './support.js';

/**
 * SQLite against PostgreSQL on the same articles (the BBC corpus when ../shared is there): batch
 * ingest rate, then each search query's total and time with totals and tag and author facets,
 * through the app. BENCH_POSTGRES_URL names a server where a scratch database may be created.
 */
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const queries = [
  'the',
  'said',
  'year',
  'government',
  '"prime minister"',
  'mobil*',
  'film OR music',
  'a*',
  'election -labour',
];
const runs = 7;

async function measure(databaseUrl: string) {
  const app = await buildApp(
    loadConfig({ DATABASE_URL: databaseUrl, SEED_ON_EMPTY: 'false', LOG_LEVEL: 'silent' }),
    { logger: false },
  );
  try {
    const requests = loadCorpus().map((a) => ({ raw: a.bytes, contentType: 'text/plain', overrides: {} }));
    const started = performance.now();
    for (let i = 0; i < requests.length; i += 100)
      await app.services.ingest.ingestMany(requests.slice(i, i + 100));
    const ingestRate = requests.length / ((performance.now() - started) / 1000);
    const searches = new Map<string, { total: number; p50: number; max: number }>();
    for (const q of queries) {
      const times: number[] = [];
      let total = 0;
      for (let run = 0; run < runs; run++) {
        const start = performance.now();
        const response = await app.inject(
          `/v1/articles?q=${encodeURIComponent(q)}&include_total=true&facets=tag,author`,
        );
        times.push(performance.now() - start);
        total = response.json().page.total;
      }
      searches.set(q, { total, p50: median(times), max: Math.max(...times) });
    }
    return { ingestRate, searches };
  } finally {
    await app.close();
  }
}

export async function benchEngines() {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-engines-'));
  const name = `gazette_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`,
  );
  try {
    const sqlite = await measure(`file:${path.join(directory, 'gazette.db')}`);
    const postgresUrl = new URL(serverUrl);
    postgresUrl.pathname = `/${name}`;
    const postgres = await measure(postgresUrl.toString());
    console.log(
      `batch ingest: SQLite ${Math.round(sqlite.ingestRate)}/s, PostgreSQL ${Math.round(postgres.ingestRate)}/s`,
    );
    console.log(`search with totals and facets, median of ${runs} (max), SQLite | PostgreSQL:`);
    for (const q of queries) {
      const [a, b] = [sqlite.searches.get(q)!, postgres.searches.get(q)!];
      console.log(
        `  ${q.padEnd(18)} total ${a.total} | ${b.total}   ${a.p50.toFixed(1)} (${a.max.toFixed(0)}) | ${b.p50.toFixed(1)} (${b.max.toFixed(0)}) ms`,
      );
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchEngines();
