import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArticle } from '../src/ingest/parse.js';
import { type CorpusArticle, loadCorpus } from './corpus.js';

/**
 * Median articles/s of parseArticle over the corpus, one warm-up pass first. Time is this
 * process's CPU time, not wall time: the figure is per core and does not sink when other work
 * shares the machine (wall-clock rates here swung by 2x under load).
 */
export function benchParse(articles: CorpusArticle[], runs = 5, contentType = 'text/plain'): number {
  const parseAll = () => {
    let ok = 0;
    for (const article of articles) {
      if (parseArticle({ body: article.bytes, contentType }).ok) ok++;
    }
    return ok;
  };
  parseAll();
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    parseAll();
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    rates.push(articles.length / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const articles = loadCorpus();
  const failures = articles.filter(
    (article) => !parseArticle({ body: article.bytes, contentType: 'text/plain' }).ok,
  );
  const rate = benchParse(articles);
  console.log(
    `parseArticle: ${articles.length} articles, ${failures.length} refused, median ${Math.round(rate)} articles/s (CPU time, 5 runs, 1 core)`,
  );
  for (const failure of failures.slice(0, 10)) console.log(`  refused: ${failure.name}`);
}
