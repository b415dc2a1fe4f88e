import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { IngestRequest } from '../src/services/draft.js';
import { createParserPool } from '../src/services/parser-pool.js';
import { type CorpusArticle, loadCorpus, loadHtmlCorpus } from './corpus.js';
import { benchParse } from './parse.js';
import { benchApp, isMain, median } from './support.js';

/**
 * Parse throughput per core for plain text and for HTML, and through the parser pool (one worker
 * per CPU); then ingest throughput: parse + store one article per transaction (as POST /v1/ingest),
 * and in groups (as POST /v1/ingest/batch), with the longest the event loop waited meanwhile (what
 * a request to the same process would wait). Medians of several runs.
 */
export async function benchIngest(runs = 5) {
  const articles = loadCorpus();
  const pages = loadHtmlCorpus();
  const parseRate = benchParse(articles, runs);
  const htmlParseRate = benchParse(pages, runs, 'text/html');
  const threads = availableParallelism();
  const poolText = await poolRate(articles, 'text/plain', threads, runs);
  const poolHtml = await poolRate(pages, 'text/html', threads, runs);

  const oneByOne = await storeRate(articles, runs, async (app, requests) => {
    for (const request of requests) {
      try {
        await app.services.ingest.ingestArticle(request);
      } catch {
        // Refused articles still cost their parse; they count as handled, not as stored.
      }
    }
  });
  // As POST /v1/ingest/batch does: groups of 100 lines.
  const batched = await storeRate(articles, runs, async (app, requests) => {
    for (let start = 0; start < requests.length; start += 100) {
      await app.services.ingest.ingestMany(requests.slice(start, start + 100));
    }
  });
  console.log(`parse, median of ${runs} runs (CPU time of one core; the pool in wall time):`);
  console.log(`  text/plain, ${articles.length} articles:  ${Math.round(parseRate)} articles/s per core`);
  console.log(`  text/html, ${pages.length} pages:        ${Math.round(htmlParseRate)} pages/s per core`);
  console.log(
    `  pool of ${threads} workers, text/plain: ${Math.round(poolText)} articles/s (${(poolText / parseRate).toFixed(2)}× one core)`,
  );
  console.log(
    `  pool of ${threads} workers, text/html:  ${Math.round(poolHtml)} pages/s (${(poolHtml / htmlParseRate).toFixed(2)}× one core)`,
  );
  console.log(`ingest, ${articles.length} plain-text articles, median of ${runs} runs, through the pool:`);
  console.log(`  parse alone, one core:         ${Math.round(parseRate)} articles/s`);
  console.log(
    `  parse + store, one at a time:  ${Math.round(oneByOne.rate)} articles/s (${(oneByOne.rate / parseRate).toFixed(2)}× parse alone); event loop held up to ${oneByOne.stallMs.toFixed(1)} ms`,
  );
  console.log(
    `  parse + store, batches of 100: ${Math.round(batched.rate)} articles/s (${(batched.rate / parseRate).toFixed(2)}× parse alone; target ≥ 1000); event loop held up to ${batched.stallMs.toFixed(1)} ms`,
  );
  return { parseRate, htmlParseRate, poolText, poolHtml, oneByOne, batched };
}

/** Median documents/s through a parser pool (all in flight at once), wall time, after a warm-up pass. */
async function poolRate(documents: CorpusArticle[], contentType: string, threads: number, runs: number) {
  const pool = createParserPool({ threads, timeoutMs: 60_000, memoryMb: 512 });
  const parseAll = () =>
    Promise.all(documents.map((document) => pool.parse({ body: document.bytes, contentType })));
  await parseAll();
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    await parseAll();
    rates.push(documents.length / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  await pool.close();
  return median(rates);
}

/**
 * Median articles/s of an ingest through the app, wall time, and the median over runs of the
 * longest delay of the event loop during it.
 */
async function storeRate(
  articles: CorpusArticle[],
  runs: number,
  ingest: (app: FastifyInstance, requests: IngestRequest[]) => Promise<void>,
): Promise<{ rate: number; stallMs: number }> {
  const requests = articles.map((article) => ({
    raw: article.bytes,
    contentType: 'text/plain',
    overrides: {},
  }));
  const rates: number[] = [];
  const stalls: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { app, dispose } = await benchApp();
    // Start every parser worker first: the figure is steady-state ingest, not worker start-up.
    await Promise.all(
      Array.from({ length: availableParallelism() }, () => app.services.ingest.preview(requests[0]!)),
    );
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = process.hrtime.bigint();
    await ingest(app, requests);
    rates.push(articles.length / (Number(process.hrtime.bigint() - start) / 1e9));
    delay.disable();
    stalls.push(delay.max / 1e6);
    await dispose();
  }
  return { rate: median(rates), stallMs: median(stalls) };
}

if (isMain(import.meta.url)) await benchIngest();
