import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readabilityText } from '../src/ingest/html.js';
import { parseArticle } from '../src/ingest/parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = path.join(repoRoot, 'test/fixtures/html-quality');

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Token-level F1 over multisets of words: precision punishes kept boilerplate, recall punishes
 * lost story text. Order-insensitive on purpose, so a shuffled caption does not count twice.
 */
export function tokenF1(extracted: string, expected: string): number {
  const want = new Map<string, number>();
  for (const token of tokens(expected)) want.set(token, (want.get(token) ?? 0) + 1);
  const got = tokens(extracted);
  let overlap = 0;
  for (const token of got) {
    const left = want.get(token) ?? 0;
    if (left > 0) {
      overlap++;
      want.set(token, left - 1);
    }
  }
  const expectedCount = tokens(expected).length;
  if (overlap === 0 || got.length === 0 || expectedCount === 0) return 0;
  const precision = overlap / got.length;
  const recall = overlap / expectedCount;
  return (2 * precision * recall) / (precision + recall);
}

export interface QualityRow {
  page: string;
  gazette: number;
  readability: number;
}

export function measureHtmlQuality(): QualityRow[] {
  return readdirSync(PAGES)
    .filter((file) => file.endsWith('.html'))
    .sort()
    .map((file) => {
      const html = readFileSync(path.join(PAGES, file), 'utf8');
      const expected = readFileSync(path.join(PAGES, file.replace(/\.html$/, '.body.txt')), 'utf8');
      const outcome = parseArticle({ body: html, contentType: 'text/html' });
      const ours = outcome.ok ? outcome.article.bodyText : '';
      return {
        page: file,
        gazette: tokenF1(ours, expected),
        readability: tokenF1(readabilityText(html), expected),
      };
    });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = measureHtmlQuality();
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log('page                        gazette  readability');
  for (const row of rows) {
    console.log(
      `${row.page.padEnd(28)}${row.gazette.toFixed(3).padStart(7)}  ${row.readability.toFixed(3).padStart(11)}`,
    );
  }
  console.log(
    `${'mean'.padEnd(28)}${mean(rows.map((row) => row.gazette))
      .toFixed(3)
      .padStart(7)}  ${mean(rows.map((row) => row.readability))
      .toFixed(3)
      .padStart(11)}`,
  );
}
