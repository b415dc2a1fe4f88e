import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/sqlite/connection.js';
import { createRepositories } from '../src/db/sqlite/repositories.js';
import type { ArticleDraft } from '../src/domain/article.js';
import { parseArticle } from '../src/ingest/parse.js';
import { encodeCursor } from '../src/lib/cursor.js';
import { draftFromOutcome, rawArticleOf } from '../src/services/draft.js';
import { bareSearch, bareSql } from './bare-sql.js';
import { loadCorpus } from './corpus.js';
import { benchSearchLoad, benchSearchMixes } from './search.js';
import { isMain, percentile } from './support.js';

const articleCount = Number(process.env.BENCH_ARTICLES ?? 100_000);
const samples = 400;

/** Fills a database with `count` articles made from the corpus, 5,000 to a transaction. */
export async function generateDatabase(databasePath: string, count: number): Promise<string[]> {
  const db = openDatabase(databasePath);
  migrateDatabase(db);
  const { ingest } = createRepositories(db);
  const drafts: ArticleDraft[] = [];
  for (const article of loadCorpus()) {
    try {
      const request = { raw: article.bytes, contentType: 'text/plain', overrides: {} };
      drafts.push(draftFromOutcome(request, parseArticle(rawArticleOf(request))).draft);
    } catch {
      // Refused articles are left out of the generated database.
    }
  }
  const start = Date.UTC(2015, 0, 1);
  let batch: Parameters<typeof ingest.storeArticles>[0] = [];
  for (let index = 0; index < count; index++) {
    const base = drafts[index % drafts.length]!;
    const hash = createHash('sha256').update(String(index)).digest('hex');
    const draft: ArticleDraft = {
      ...base,
      title: `${base.title} (${index})`,
      slug: `${base.slug}-${index}`,
      contentHash: hash,
      simhash: hash.slice(0, 16),
      // Spread over ten years, with one article in fifty undated.
      publishedAt: index % 50 === 0 ? null : new Date(start + (index * 3_153_600_000) / count).toISOString(),
    };
    batch.push({
      draft,
      record: {
        receivedAt: new Date().toISOString(),
        contentType: 'text/plain',
        sourceUrl: null,
        raw: Buffer.from(draft.title),
        rawSha256: hash,
        overrides: null,
        status: 'created',
        duplicateOf: null,
        warnings: [],
        report: {},
        parserVersion: 'bench',
        idempotencyKey: null,
        idempotencyCaller: null,
      },
    });
    if (batch.length === 5000 || index === count - 1) {
      await ingest.storeArticles(batch);
      batch = [];
    }
  }
  db.$client.exec('ANALYZE');
  const words = searchWords(db.$client, count);
  db.$client.close();
  return words;
}

/** Search terms: words in between 0.1% and 5% of the articles, the range people actually search. */
function searchWords(sqlite: Database.Database, count: number): string[] {
  sqlite
    .prepare(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, articles_fts, 'row')`)
    .run();
  return sqlite
    .prepare('SELECT term FROM temp.vocab WHERE doc BETWEEN ? AND ? AND length(term) > 3 ORDER BY term')
    .pluck()
    .all(count * 0.001, count * 0.05) as string[];
}

/**
 * Latencies in ms of Gazette and of the bare statement over the same inputs, taken alternately
 * (Gazette, bare, Gazette, …) so that neither gets the warmer cache or the quieter moment.
 */
async function timePair<T>(
  inputs: T[],
  gazette: (input: T) => unknown,
  bare: (input: T) => unknown,
): Promise<[number[], number[]]> {
  const measure = async (run: (input: T) => unknown, input: T) => {
    const start = process.hrtime.bigint();
    await run(input);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (const input of inputs.slice(0, 20)) {
    await gazette(input);
    await bare(input);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const input of inputs) {
    ours.push(await measure(gazette, input));
    theirs.push(await measure(bare, input));
  }
  return [ours, theirs];
}

function report(name: string, [gazette, bare]: [number[], number[]]) {
  const format = (values: number[]) =>
    `p50 ${percentile(values, 0.5).toFixed(2)} ms, p99 ${percentile(values, 0.99).toFixed(2)} ms`;
  const ratio = percentile(gazette, 0.5) / percentile(bare, 0.5);
  console.log(
    `  ${name.padEnd(22)} Gazette ${format(gazette)} | bare SQL ${format(bare)} | p50 ratio ${ratio.toFixed(1)}×`,
  );
}

export async function benchQuery() {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-query-'));
  const databasePath = path.join(directory, 'gazette.db');
  try {
    const started = Date.now();
    // BENCH_DATABASE reuses a database built before (copied, so the run cannot change it).
    let words: string[];
    if (process.env.BENCH_DATABASE) {
      copyFileSync(process.env.BENCH_DATABASE, databasePath);
      const existing = new Database(databasePath);
      words = searchWords(existing, articleCount);
      existing.close();
    } else {
      words = await generateDatabase(databasePath, articleCount);
    }
    console.log(
      `query, ${articleCount} generated articles (built in ${((Date.now() - started) / 1000).toFixed(0)} s), ${samples} samples each:`,
    );

    // Start-up on an already-migrated database (SPEC §7: under 1 s), modules already loaded.
    const startup = process.hrtime.bigint();
    const app = await buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'silent' }), {
      logger: false,
    });
    console.log(
      `  start-up (buildApp on the migrated database): ${(Number(process.hrtime.bigint() - startup) / 1e6).toFixed(0)} ms`,
    );
    const bare = new Database(databasePath, { readonly: true });

    let seed = 7;
    const pick = () => {
      seed = (seed * 48271) % 2147483647;
      return words[seed % words.length]!;
    };
    const queries = Array.from({ length: samples }, (_, index) =>
      index % 2 ? `${pick()} ${pick()}` : pick(),
    );
    const search = bareSearch(bare);
    report(
      'search (q, relevance)',
      await timePair(
        queries,
        (q) => app.inject(`/v1/articles?q=${encodeURIComponent(q)}`),
        (q) =>
          search(
            q
              .split(' ')
              .map((word) => `"${word}"`)
              .join(' '),
          ),
      ),
    );

    const firstSql = bare.prepare(bareSql.firstPage);
    const repeat = Array.from({ length: samples }, () => null);
    report(
      'list, first page',
      await timePair(
        repeat,
        () => app.inject('/v1/articles'),
        () => firstSql.all(),
      ),
    );

    // Page 1,000 at 20 a page: the cursor after the 19,980th article.
    const deep = bare
      .prepare(
        'SELECT published_sort AS sortKey, id FROM articles ORDER BY published_sort DESC, id DESC LIMIT 1 OFFSET 19979',
      )
      .get() as { sortKey: string; id: number };
    const cursor = encodeCursor([deep.sortKey, deep.id]);
    const deepSql = bare.prepare(bareSql.deepPage);
    report(
      'list, page 1,000',
      await timePair(
        repeat,
        () => app.inject(`/v1/articles?cursor=${cursor}`),
        () => deepSql.all(deep),
      ),
    );
    const offsetSql = bare.prepare(
      'SELECT a.id FROM articles a ORDER BY a.published_sort DESC, a.id DESC LIMIT 21 OFFSET 19980',
    );
    const [offsetTimes] = await timePair(
      repeat,
      () => offsetSql.all(),
      () => undefined,
    );
    console.log(
      `  (for contrast, page 1,000 by OFFSET, ids only, bare: p50 ${percentile(offsetTimes, 0.5).toFixed(2)} ms)`,
    );
    await benchSearchMixes(app, bare, words, databasePath);
    bare.close();
    await app.close();
    await benchSearchLoad(databasePath, words);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchQuery();
