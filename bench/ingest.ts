import type { FastifyInstance } from 'fastify';
import type { IngestRequest } from '../src/services/draft.js';
import { type CorpusArticle, loadCorpus } from './corpus.js';
import { benchParse } from './parse.js';
import { benchApp, isMain, median } from './support.js';

/**
 * Ingest throughput on one core: parse alone; parse + store one article per transaction (as
 * POST /v1/ingest); and parse + store in groups (as POST /v1/ingest/batch). Medians of several runs.
 */
export async function benchIngest(runs = 5) {
  const articles = loadCorpus();
  const parseRate = benchParse(articles, runs);

  const oneByOne = await storeRate(articles, runs, async (app, requests) => {
    for (const request of requests) {
      try {
        await app.services.ingest.ingestArticle(request);
      } catch {
        // Refused articles still cost their parse; they count as handled, not as stored.
      }
    }
  });
  // As POST /v1/ingest/batch does: groups of 100 lines, one transaction each.
  const batched = await storeRate(articles, runs, async (app, requests) => {
    for (let start = 0; start < requests.length; start += 100) {
      await app.services.ingest.ingestMany(requests.slice(start, start + 100));
    }
  });
  console.log(`ingest, ${articles.length} plain-text articles, median of ${runs} runs, one core:`);
  console.log(`  parse alone:                   ${Math.round(parseRate)} articles/s`);
  console.log(
    `  parse + store, one at a time:  ${Math.round(oneByOne)} articles/s (${(oneByOne / parseRate).toFixed(2)}× parse alone)`,
  );
  console.log(
    `  parse + store, batches of 100: ${Math.round(batched)} articles/s (${(batched / parseRate).toFixed(2)}× parse alone; target ≥ 1000)`,
  );
  return { parseRate, oneByOne, batched };
}

/** Median articles/s of `ingest` over the corpus, each run on a new database. */
async function storeRate(
  articles: CorpusArticle[],
  runs: number,
  ingest: (app: FastifyInstance, requests: IngestRequest[]) => Promise<void>,
): Promise<number> {
  const requests = articles.map((article) => ({
    raw: article.bytes,
    contentType: 'text/plain',
    overrides: {},
  }));
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { app, dispose } = await benchApp();
    const start = process.hrtime.bigint();
    await ingest(app, requests);
    rates.push(articles.length / (Number(process.hrtime.bigint() - start) / 1e9));
    await dispose();
  }
  return median(rates);
}

if (isMain(import.meta.url)) await benchIngest();
