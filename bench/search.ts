import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { createArticlesRepository } from '../src/db/sqlite/articles-repository.js';
import { openReadOnlyDatabase } from '../src/db/sqlite/connection.js';
import { toFullTextQuery } from '../src/search/query.js';
import { bareSql } from './bare-sql.js';
import { percentile } from './support.js';

const samplesPerMix = Number(process.env.BENCH_SEARCH_SAMPLES ?? 120);
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const withFacets = '&facets=tag,author,month&include_total=true';
const commonWords = ['the', 'said', 'and', 'year', 'people', 'also', 'new', 'would', 'time', 'last'];
const oneLetterPrefixes = 'abcdefghijklmnopqrstuvwxyzabcdef'
  .split('')
  .map((letter) => `${letter}*`)
  .join(' ');

/** A seeded picker, so every run searches the same queries. */
function picker<T>(values: T[], seed = 7): () => T {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return values[state % values.length]!;
  };
}

/**
 * The query kinds, each a maker of its next query: what people type, the commonest words, and the
 * abusive cases. `seed` picks the sequence: the same seed makes the same queries.
 */
function queryMakers(sqlite: Database.Database, words: string[], seed = 0) {
  const word = picker(words, 7 + seed);
  const common = picker(commonWords, 11 + seed);
  const titles = sqlite
    .prepare('SELECT title FROM articles WHERE id % 997 = 0 LIMIT 200')
    .pluck()
    .all() as string[];
  const phrases = titles
    .map((title) => title.toLowerCase().match(/[a-z]{3,}/g) ?? [])
    .filter((titleWords) => titleWords.length >= 2)
    .map((titleWords) => `"${titleWords[0]} ${titleWords[1]}"`);
  const stem = () => {
    const next = word();
    return `${next.slice(0, 3 + (next.length % 3))}*`;
  };
  return {
    'common word': common,
    'two words': () => `${word()} ${word()}`,
    'common + word': () => `${common()} ${word()}`,
    phrase: picker([...phrases, '"the year"', '"said the"', '"last year"'], 13 + seed),
    prefix: stem,
    'common prefix': picker(['the*', 'con*', 'pro*', 'sai*', 'yea*', 'com*', 'int*', 'sta*'], 17 + seed),
    OR: () => `${word()} OR ${common()}`,
    '32 one-letter prefixes': () => oneLetterPrefixes,
    '32 prefixes with OR': () => oneLetterPrefixes.replaceAll(' ', ' OR '),
  };
}

/** The query mixes: `samplesPerMix` queries of each kind, the same every run. */
export function searchMixes(sqlite: Database.Database, words: string[]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(queryMakers(sqlite, words)).map(([name, make]) => [
      name,
      Array.from({ length: samplesPerMix }, make),
    ]),
  );
}

async function timeSearches(app: FastifyInstance, queries: string[], extra: string) {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  for (const q of queries.slice(0, 10)) await app.inject(`/v1/articles?q=${encodeURIComponent(q)}${extra}`);
  for (const q of queries) {
    const started = process.hrtime.bigint();
    const response = await app.inject(`/v1/articles?q=${encodeURIComponent(q)}${extra}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
  }
  return { times, statuses };
}

const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Ranking quality on a judged set built from the articles themselves: a query is two words of an
 * article's title; an article is relevant (2) when its title holds both words, partly (1) when its
 * body does. Gazette's ranking is compared with FTS5 ranking every match (the statement Gazette ran
 * before its work was bounded), NDCG@10 over the pool of both lists and the exact top 50.
 */
function judgedQueries(sqlite: Database.Database): string[] {
  const titles = sqlite
    .prepare('SELECT title FROM articles WHERE id % 1499 = 7 LIMIT 40')
    .pluck()
    .all() as string[];
  const queries = titles
    .map((title) => wordsOf(title.replace(/\(\d+\)$/, '')).filter((word) => word.length >= 5))
    .filter((titleWords) => titleWords.length >= 2)
    .map((titleWords) => `${titleWords[0]} ${titleWords[1]}`);
  return [
    ...queries,
    'economy growth',
    'election',
    'film award',
    'mobile phone',
    'the economy',
    'music OR film',
  ];
}

export async function benchSearchMixes(
  app: FastifyInstance,
  bare: Database.Database,
  words: string[],
  databasePath: string,
) {
  console.log(
    `search mixes, one client, ${samplesPerMix} queries each: HTTP (app.inject: worker, answer cache) | the search work alone (repository, no cache):`,
  );
  // The same queries straight on a repository: the work each costs, with no cache in front.
  const repository = createArticlesRepository(openReadOnlyDatabase(databasePath));
  const format = (times: number[]) =>
    `p50 ${percentile(times, 0.5).toFixed(1)}, p99 ${percentile(times, 0.99).toFixed(1)}, max ${Math.max(...times).toFixed(1)} ms`;
  for (const [name, queries] of Object.entries(searchMixes(bare, words))) {
    for (const extra of ['', withFacets]) {
      const { times, statuses } = await timeSearches(app, queries, extra);
      const codes = [...statuses].map(([status, count]) => `${count}×${status}`).join(' ');
      const work: number[] = [];
      for (const q of queries) {
        const started = process.hrtime.bigint();
        await repository.listArticles({
          limit: 20,
          sort: 'relevance',
          match: toFullTextQuery(q),
          includeTotal: extra !== '',
          ...(extra ? { facets: ['tag', 'author', 'month'] as const } : {}),
        } as Parameters<typeof repository.listArticles>[0]);
        work.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      console.log(
        `  ${`${name}${extra ? ' +facets+total' : ''}`.padEnd(38)} ${format(times)} (${codes}) | ${format(work)}`,
      );
    }
  }

  const exact = bare.prepare(bareSql.searchRanked.replace('LIMIT 200', 'LIMIT 50')).pluck();
  const texts = bare.prepare('SELECT title, body_text FROM articles WHERE id = ?');
  const grade = (id: number, queryWords: string[]) => {
    const { title, body_text } = texts.get(id) as { title: string; body_text: string };
    const inTitle = new Set(wordsOf(title));
    if (queryWords.every((word) => inTitle.has(word))) return 2;
    const inBody = new Set(wordsOf(body_text));
    return queryWords.every((word) => inBody.has(word)) ? 1 : 0;
  };
  const dcg = (grades: number[]) =>
    grades.reduce((sum, gain, rank) => sum + (2 ** gain - 1) / Math.log2(rank + 2), 0);
  const scores = { before: { ndcg: 0, precision: 0 }, after: { ndcg: 0, precision: 0 } };
  const queries = judgedQueries(bare);
  for (const q of queries) {
    const queryWords = wordsOf(q).filter((word) => word !== 'or');
    const match = wordsOf(q)
      .map((word) => (word === 'or' ? 'OR' : `"${word}"`))
      .join(' ');
    const before = exact.all({ match }) as number[];
    const response = (await app.inject(`/v1/articles?q=${encodeURIComponent(q)}&limit=10&fields=id`)).json();
    const after = (response.data as { id: number }[]).map((article) => article.id);
    const pool = [...new Set([...before, ...after])].map((id) => grade(id, queryWords));
    const ideal = dcg(pool.sort((a, b) => b - a).slice(0, 10)) || 1;
    for (const [name, ids] of [
      ['before', before.slice(0, 10)],
      ['after', after],
    ] as const) {
      const grades = ids.map((id) => grade(id, queryWords));
      scores[name].ndcg += dcg(grades) / ideal;
      scores[name].precision += grades.filter((gain) => gain === 2).length / 10;
    }
  }
  for (const name of ['before', 'after'] as const) {
    console.log(
      `  judged set (${queries.length} queries), ${name === 'before' ? 'FTS5 ranking every match' : 'Gazette (bounded)'}: NDCG@10 ${(scores[name].ndcg / queries.length).toFixed(3)}, P@10 (title holds the words) ${(scores[name].precision / queries.length).toFixed(3)}`,
    );
  }
}

/** Kinds with a fixed, small set of queries: a common word, a common prefix, the 32 prefixes. */
const repeatingKinds: ReadonlySet<string> = new Set<keyof ReturnType<typeof queryMakers>>([
  'common word',
  'common prefix',
  '32 one-letter prefixes',
  '32 prefixes with OR',
]);

/**
 * Search URLs, a new query for every request, the kinds in turn, every other round with facets
 * and total: only the queries a kind fixes (a lone common word, the 32 prefixes) come again, so the
 * caches answer those and nothing else. The mix's 270 URLs above repeat, and from the second round
 * on the caches answer most of them, with the response cache off too (the read pool keeps answers).
 */
function freshSearches(makers: Record<string, () => string>): () => string {
  const kinds = Object.values(makers);
  let count = 0;
  return () => {
    const make = kinds[count % kinds.length]!;
    const extra = Math.floor(count / kinds.length) % 2 ? withFacets : '';
    count++;
    return `/v1/articles?q=${encodeURIComponent(make())}${extra}`;
  };
}

async function requestsPerSecond(options: autocannon.Options) {
  const result = await autocannon({ connections: 50, duration: loadSeconds, ...options });
  return {
    rate: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** `load` while a third process probes `<healthUrl>/healthz`; its result and the probes' latencies. */
async function probingHealth<T>(healthUrl: string, load: () => Promise<T>): Promise<[T, number[]]> {
  const prober = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'health-probe.ts'), healthUrl],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const probed = new Promise<string>((resolve) =>
    createInterface({ input: prober.stdout! }).once('line', resolve),
  );
  const result = await load();
  prober.stdin!.end();
  return [result, JSON.parse(await probed) as number[]];
}

const healthFigures = (health: number[]) =>
  `/healthz meanwhile, probed from a third process: ${health.length} probes, p50 ${percentile(health, 0.5).toFixed(1)} ms, p99 ${percentile(health, 0.99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`;

/**
 * Under load, from another process: search mixes against Gazette with 50 connections, with its
 * response cache and without (the mix repeats its queries, so with the cache most are answered from
 * memory), then fresh queries, none asked before, and the bare one-article route in the same run;
 * meanwhile one client probes /healthz.
 * The servers share one event loop, so /healthz probed while the bare route is loaded is the floor:
 * how long a health check waits behind the cheapest requests that keep the loop busy.
 */
export async function benchSearchLoad(databasePath: string, words: string[]) {
  const servers = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'search-servers.ts'), databasePath],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: servers.stdout }).once('line', resolve),
    );
    const { gazette, uncached, bare } = JSON.parse(line) as Record<'gazette' | 'uncached' | 'bare', string>;
    const Database = (await import('better-sqlite3')).default;
    const sqlite = new Database(databasePath, { readonly: true });
    const mixes = searchMixes(sqlite, words);
    const makers = queryMakers(sqlite, words, 1);
    const fresh = freshSearches(makers);
    // The worst case: without the kinds whose few queries the caches soon hold.
    const varied = freshSearches(
      Object.fromEntries(Object.entries(makers).filter(([kind]) => !repeatingKinds.has(kind))),
    );
    sqlite.close();
    const requests = Object.values(mixes)
      .flatMap((queries) => queries.slice(0, 30))
      .flatMap((q, index) => [
        { path: `/v1/articles?q=${encodeURIComponent(q)}${index % 2 ? withFacets : ''}` },
      ]);
    console.log(`search load, autocannon 50 connections × ${loadSeconds} s, from another process:`);
    const [bareRun, bareHealth] = await probingHealth(gazette, () =>
      requestsPerSecond({ url: `${bare}/articles/1000` }),
    );
    console.log(`  bare one article           ${Math.round(bareRun.rate)} req/s, p99 ${bareRun.p99} ms`);
    console.log(`    ${healthFigures(bareHealth)} (the floor: same event loop)`);
    for (const [name, url] of [
      ['Gazette search mix', gazette],
      ['the same, cache off', uncached],
    ] as const) {
      const [searchRun, health] = await probingHealth(url, () => requestsPerSecond({ url, requests }));
      console.log(
        `  ${name.padEnd(26)} ${Math.round(searchRun.rate)} req/s, p99 ${searchRun.p99} ms, ${searchRun.non2xx} non-2xx, ${searchRun.errors} errors | ${(searchRun.rate / bareRun.rate).toFixed(2)}× bare (target ≥ 0.2)`,
      );
      console.log(`    ${healthFigures(health)} (target p99 < 20 ms)`);
    }
    for (const [name, next] of [
      ['fresh queries', fresh],
      ['fresh, varied kinds only', varied],
    ] as const) {
      const [freshRun, freshHealth] = await probingHealth(gazette, () =>
        requestsPerSecond({
          url: gazette,
          requests: [{ setupRequest: (request) => ({ ...request, path: next() }) }],
        }),
      );
      console.log(
        `  ${name.padEnd(26)} ${Math.round(freshRun.rate)} req/s, p99 ${freshRun.p99} ms, ${freshRun.non2xx} non-2xx, ${freshRun.errors} errors | ${(freshRun.rate / bareRun.rate).toFixed(2)}× bare (target ≥ 0.2)`,
      );
      console.log(`    ${healthFigures(freshHealth)} (target p99 < 20 ms)`);
    }
  } finally {
    servers.kill('SIGTERM');
  }
}
