import { loadCorpus } from './corpus.js';
import { benchParse } from './parse.js';
import { benchApp, isMain, median } from './support.js';

/**
 * Ingest throughput on one core: parse alone, and parse + store (the full service path, one
 * SQLite transaction per article, synchronous=FULL), each the median of several runs.
 */
export async function benchIngest(runs = 5) {
  const articles = loadCorpus();
  const parseRate = benchParse(articles, runs);

  const storeRates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { app, dispose } = await benchApp();
    const start = process.hrtime.bigint();
    let stored = 0;
    for (const article of articles) {
      try {
        await app.services.ingest.ingestArticle({
          raw: article.bytes,
          contentType: 'text/plain',
          overrides: {},
        });
        stored++;
      } catch {
        // Refused articles still cost their parse; they count as handled, not as stored.
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    storeRates.push(articles.length / seconds);
    await dispose();
    if (run === 0) console.log(`  ${stored} of ${articles.length} stored per run`);
  }
  const storeRate = median(storeRates);
  console.log(`ingest, ${articles.length} plain-text articles, median of ${runs} runs:`);
  console.log(`  parse alone:   ${Math.round(parseRate)} articles/s`);
  console.log(
    `  parse + store: ${Math.round(storeRate)} articles/s (${(storeRate / parseRate).toFixed(2)}× parse alone; target ≥ 1000)`,
  );
  return { parseRate, storeRate };
}

if (isMain(import.meta.url)) await benchIngest();
