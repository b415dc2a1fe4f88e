import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { freePort } from '../test/support/processes.js';
import { benchDatabase } from './http-database.js';
import { benchHttpEngines } from './http-engines.js';
import { isMain, median } from './support.js';
import { benchWorkers } from './workers.js';

const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const startupTrials = 3;
/** Which comparisons run: Gazette against a bare server, one process against two, SQLite against PostgreSQL. */
const parts = new Set((process.env.BENCH_PARTS ?? 'bare,workers,engines').split(','));
const root = path.resolve(import.meta.dirname, '..');

interface Load {
  rps: number;
  p99: number;
  failures: number;
  /** CPU time the server process spent per request (µs): steadier than req/s on a shared machine. */
  cpuMicros: number;
}

/** CPU time a process has used so far, in ms (user + system, its threads included; 100 ticks a second). */
function cpuMilliseconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits until the server answers /healthz, past a reset or two while it sheds the last run. */
async function drained(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(new URL('/healthz', url));
      return;
    } catch (error) {
      if (attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * req/s and p99 of one target; identity encoding (no Accept-Encoding), as a plain client sends.
 * With `slugs`, each request appends one of them, picked at random, to the URL's path.
 * It then waits for the server to answer /healthz, so no backlog spills into the next measurement.
 */
async function load(
  url: string,
  pid: number,
  {
    duration = seconds,
    slugs,
    headers,
  }: { duration?: number; slugs?: readonly string[]; headers?: Record<string, string> } = {},
  retried = false,
): Promise<Load> {
  const cpuBefore = cpuMilliseconds(pid);
  const path = new URL(url).pathname;
  const requests = slugs && [
    {
      setupRequest: (request: autocannon.Request) => {
        request.path = path + slugs[Math.floor(Math.random() * slugs.length)];
        return request;
      },
    },
  ];
  const result = await autocannon({ url, connections, duration, headers, ...(requests && { requests }) });
  const cpuUsed = cpuMilliseconds(pid) - cpuBefore;
  await drained(url);
  // On a saturated machine a run can see no response at all; one more try, then it counts as 0.
  if (result.requests.total === 0 && !retried) return load(url, pid, { duration, slugs, headers }, true);
  return {
    rps: result.requests.total / duration,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMicros: (cpuUsed * 1000) / Math.max(1, result.requests.total),
  };
}

/** Servers this run started, killed however it ends (a failed run must not leave them serving). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The serving command `npm start` runs (after its `prestart`, if any), without npm around it. */
function startCommand(): { command: string; args: string[]; prestart?: string } {
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  const [program, ...args] = scripts.start!.split(/\s+/);
  const resolved =
    program === 'node'
      ? args
      : program === 'tsx'
        ? [createRequire(import.meta.url).resolve('tsx/cli'), ...args]
        : undefined;
  if (!resolved) throw new Error(`bench:http cannot run the start script "${scripts.start}" directly`);
  return {
    command: process.execPath,
    args: resolved,
    ...(scripts.prestart && { prestart: scripts.prestart }),
  };
}

/** Resident memory of a process and its children (tsx runs the app in a child), in MB. */
function rssMegabytes(pid: number): number {
  let kilobytes = 0;
  const visit = (id: number) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, 'utf8');
      kilobytes += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const child of readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').split(' '))
        if (child.trim()) visit(Number(child));
    } catch {
      // The process ended meanwhile.
    }
  };
  visit(pid);
  return kilobytes / 1024;
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${base} exited with ${child.exitCode} before answering`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts Gazette as `npm start` would, on an already-migrated database; times start to /healthz. */
async function startGazette(databasePath: string) {
  const { command, args } = startCommand();
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = track(
    spawn(command, args, {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: `file:${databasePath}`,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      // Request logs go where a service's stdout usually goes: away from this process.
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child);
  return { child, base, startupMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function startBare(databasePath: string, bodies: string[]) {
  const port = await freePort();
  const child = track(
    spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'http-bare.ts'),
        databasePath,
        String(port),
        bodies.join(','),
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child);
  return { child, base };
}

/** What the requests ask for: a mid article, the most and least used tag that fill a page, a busy author. */
function pickTargets(databasePath: string) {
  const db = new Database(databasePath, { readonly: true });
  const count = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
  const slug = db
    .prepare('SELECT slug FROM articles ORDER BY id LIMIT 1 OFFSET ?')
    .pluck()
    .get(Math.floor(count / 2)) as string;
  const tagsByUse = db
    .prepare(
      `SELECT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id HAVING count(*) > 20
       ORDER BY count(*) DESC, t.slug`,
    )
    .pluck()
    .all() as string[];
  const tagCount = db.prepare(
    'SELECT count(*) FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE slug = ?)',
  );
  const author = db
    .prepare(
      `SELECT au.slug FROM authors au JOIN article_authors aa ON aa.author_id = au.id GROUP BY au.id
       ORDER BY count(*) DESC, au.slug LIMIT 1`,
    )
    .pluck()
    .get() as string;
  const commonTag = tagsByUse[0]!;
  const rareTag = tagsByUse.at(-1)!;
  const result = {
    count,
    slug,
    commonTag: { slug: commonTag, articles: tagCount.pluck().get(commonTag) as number },
    rareTag: { slug: rareTag, articles: tagCount.pluck().get(rareTag) as number },
    author,
    slugs: db.prepare('SELECT slug FROM articles').pluck().all() as string[],
    bodyBytes: db.prepare('SELECT avg(length(body_text)) FROM articles').pluck().get() as number,
  };
  db.close();
  return result;
}

interface Case {
  name: string;
  gazette: string;
  /** Absent for search, whose ratio is to the bare one-article route of the same round. */
  bare?: string;
  /** Each request asks for one of these, at random, appended to both paths. */
  slugs?: readonly string[];
  /** Sent with Gazette's requests. */
  headers?: Record<string, string>;
}

async function sameDocument(gazette: string, bare: string): Promise<void> {
  const [ours, theirs] = await Promise.all([
    fetch(gazette).then((r) => r.text()),
    fetch(bare).then((r) => r.text()),
  ]);
  if (ours === theirs) return;
  let at = 0;
  while (ours[at] === theirs[at]) at++;
  throw new Error(
    `the bare route does not serve Gazette's document for ${gazette}; first difference at ${at}:\n` +
      `  Gazette: …${ours.slice(Math.max(0, at - 60), at + 60)}\n  bare:    …${theirs.slice(Math.max(0, at - 60), at + 60)}`,
  );
}

const format = (value: number, digits = 0) => value.toFixed(digits).padStart(7);
const acceptsBrotli = { 'accept-encoding': 'br, gzip' };

async function benchSize(size: number) {
  const databasePath = await benchDatabase(size);
  const targets = pickTargets(databasePath);

  // Start-up on the migrated database (a first, uncounted start applies any pending migration),
  // process start to /healthz answering, then idle memory.
  const startups: number[] = [];
  let gazette = await startGazette(databasePath);
  for (let trial = 0; trial < startupTrials; trial++) {
    await stop(gazette.child);
    gazette = await startGazette(databasePath);
    startups.push(gazette.startupMs);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssIdle = rssMegabytes(gazette.child.pid!);

  const article = (await fetch(`${gazette.base}/v1/articles/${targets.slug}`).then((r) =>
    r.json(),
  )) as object;
  const bodies = Object.keys(article).filter((key) => key === 'body_text' || key === 'body_html');
  const bare = await startBare(databasePath, bodies);
  const searchWord = process.env.BENCH_SEARCH ?? 'year';
  const cases: Case[] = [
    { name: 'one article', gazette: `/v1/articles/${targets.slug}`, bare: `/articles/${targets.slug}` },
    { name: 'any article', gazette: '/v1/articles/', bare: '/articles/', slugs: targets.slugs },
    { name: 'page of 20', gazette: '/v1/articles', bare: '/articles' },
    {
      name: `tag page (${targets.commonTag.articles})`,
      gazette: `/v1/articles?tag=${targets.commonTag.slug}`,
      bare: `/articles?tag=${targets.commonTag.slug}`,
    },
    {
      name: `tag page (${targets.rareTag.articles})`,
      gazette: `/v1/articles?tag=${targets.rareTag.slug}`,
      bare: `/articles?tag=${targets.rareTag.slug}`,
    },
    {
      name: 'author page',
      gazette: `/v1/articles?author=${targets.author}`,
      bare: `/articles?author=${targets.author}`,
    },
    { name: `search q=${searchWord}`, gazette: `/v1/articles?q=${searchWord}` },
    // What a browser or fetch gets: compressed, which the bare route does not do.
    { name: 'one article, br', gazette: `/v1/articles/${targets.slug}`, headers: acceptsBrotli },
    { name: 'any article, br', gazette: '/v1/articles/', slugs: targets.slugs, headers: acceptsBrotli },
    { name: 'page of 20, br', gazette: '/v1/articles', headers: acceptsBrotli },
  ];
  for (const entry of cases)
    if (entry.bare && !entry.slugs) await sameDocument(gazette.base + entry.gazette, bare.base + entry.bare);
  const [gazettePid, barePid] = [gazette.child.pid!, bare.child.pid!];

  // Warm both (JIT, page cache, statement caches) before anything is counted.
  for (const entry of cases) {
    await load(gazette.base + entry.gazette, gazettePid, {
      duration: 1,
      slugs: entry.slugs,
      headers: entry.headers,
    });
    if (entry.bare) await load(bare.base + entry.bare, barePid, { duration: 1, slugs: entry.slugs });
  }

  let rssPeak = rssIdle;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMegabytes(gazette.child.pid!));
  }, 250);
  const results = new Map<string, { ours: Load[]; theirs: Load[]; ratios: number[] }>();
  for (const entry of cases) results.set(entry.name, { ours: [], theirs: [], ratios: [] });
  for (let round = 0; round < rounds; round++) {
    const bareOne: Load[] = [];
    for (const entry of cases) {
      const result = results.get(entry.name)!;
      if (!entry.bare) {
        const ours = await load(gazette.base + entry.gazette, gazettePid, {
          slugs: entry.slugs,
          headers: entry.headers,
        });
        result.ours.push(ours);
        result.ratios.push(ours.rps / bareOne[0]!.rps);
        continue;
      }
      // Alternate who goes first, so neither always gets the quieter moment.
      const runBare = () => load(bare.base + entry.bare!, barePid, { slugs: entry.slugs });
      const runOurs = () => load(gazette.base + entry.gazette, gazettePid, { slugs: entry.slugs });
      let ours: Load;
      let theirs: Load;
      if (round % 2 === 0) {
        ours = await runOurs();
        theirs = await runBare();
      } else {
        theirs = await runBare();
        ours = await runOurs();
      }
      if (ours.failures || theirs.failures)
        console.error(`  ${entry.name}: ${ours.failures} Gazette and ${theirs.failures} bare failures`);
      result.ours.push(ours);
      result.theirs.push(theirs);
      result.ratios.push(ours.rps / theirs.rps);
      if (entry.name === 'one article') bareOne.push(theirs);
    }
  }
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssAfter = rssMegabytes(gazette.child.pid!);

  console.log(
    `\n${size.toLocaleString('en')} articles (body ~${Math.round(targets.bodyBytes)} B of text); ` +
      `autocannon ${connections} connections, ${rounds} interleaved rounds × ${seconds} s; ` +
      'ratio = Gazette req/s ÷ bare req/s in the same round (median, worst)',
  );
  // Each target but "any article" repeats one URL: with the response cache every Gazette request
  // after the second is a hit. "Any article" asks for every article alike, so the cache holds only as
  // many as fit. The server gets this environment, so its configuration says whether the cache is on.
  const cacheMb = loadConfig().responseCacheBytes / 2 ** 20;
  console.log(
    cacheMb === 0
      ? '  Gazette response cache off (RESPONSE_CACHE_MB=0): every request reads and serializes'
      : `  Gazette response cache on (RESPONSE_CACHE_MB=${cacheMb}): repeated URLs are answered from memory, "any article" only as far as they fit; RESPONSE_CACHE_MB=0 measures every request cold`,
  );
  console.log(
    '  request                    Gazette req/s  bare req/s   ratio  worst   Gazette p99 ms  bare p99 ms' +
      '  CPU µs/request Gazette  bare  bare÷Gazette',
  );
  const pageRps = median(results.get('page of 20')!.ours.map((load) => load.rps));
  for (const entry of cases) {
    const { ours, theirs, ratios } = results.get(entry.name)!;
    const medianOf = (loads: Load[], key: 'rps' | 'p99' | 'cpuMicros') =>
      median(loads.map((load) => load[key]));
    const failures = ours.reduce((sum, load) => sum + load.failures, 0);
    console.log(
      `  ${entry.name.padEnd(26)} ${format(medianOf(ours, 'rps'))}       ${entry.bare ? format(medianOf(theirs, 'rps')) : '      –'}  ` +
        `${format(median(ratios), 2)} ${format(Math.min(...ratios), 2)}   ${format(medianOf(ours, 'p99'))}        ` +
        `${entry.bare ? format(medianOf(theirs, 'p99')) : '      –'}` +
        `          ${format(medianOf(ours, 'cpuMicros'))} ${entry.bare ? format(medianOf(theirs, 'cpuMicros')) : '      –'}` +
        `  ${entry.bare ? format(medianOf(theirs, 'cpuMicros') / medianOf(ours, 'cpuMicros'), 2) : '      –'}` +
        (entry.bare ? '' : '   (ratio to the bare one-article route)') +
        (failures ? `   ${failures} failed requests` : ''),
    );
  }
  for (const entry of cases.filter(
    (entry) => entry.name.startsWith('tag') || entry.name.startsWith('author'),
  )) {
    const ours = median(results.get(entry.name)!.ours.map((load) => load.rps));
    console.log(`  ${entry.name} ÷ Gazette page of 20: ${(ours / pageRps).toFixed(2)}`);
  }
  console.log(
    `  start-up (process start to /healthz, median of ${startupTrials}): ${median(startups).toFixed(0)} ms ` +
      `(${startups.map((ms) => ms.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  RSS: idle after start ${rssIdle.toFixed(0)} MB, peak under load ${rssPeak.toFixed(0)} MB, ` +
      `idle after load ${rssAfter.toFixed(0)} MB`,
  );
  await Promise.all([stop(gazette.child), stop(bare.child)]);
}

/**
 * At each database size: Gazette as `npm start` runs it against a bare Fastify + better-sqlite3
 * server that serves the same bytes (requests/s ratios, p99, start-up time and memory); then one
 * process against `serve --workers 2`, and SQLite against PostgreSQL on the same data, for one
 * article, a page of the list and a search. BENCH_PARTS picks among bare, workers and engines.
 */
export async function benchHttp() {
  const { prestart } = startCommand();
  if (prestart) execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: root, stdio: 'inherit' });
  console.log(
    `http: Gazette started as \`${startCommand()
      .args.map((arg) => path.relative(root, arg) || arg)
      .join(' ')}\``,
  );
  for (const size of sizes) {
    if (parts.has('bare')) await benchSize(size);
    if (parts.has('workers')) await benchWorkers(size);
    if (parts.has('engines')) await benchHttpEngines(size);
  }
}

if (isMain(import.meta.url)) await benchHttp();
