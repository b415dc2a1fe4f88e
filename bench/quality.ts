import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readability } from '@mozilla/readability';
import { type DomElement, parseDocument } from '../src/ingest/dom.js';
import { escapedCharacters, MAX_ESCAPED_CHARACTERS } from '../src/ingest/html.js';
import { cleanPage, preparePage } from '../src/ingest/page-cleanup.js';
import { parseArticle } from '../src/ingest/parse.js';
import { copyPageText, renderPageText } from './page-text.js';
import { isMain, percentile } from './support.js';

/**
 * Extraction quality on real pages: `../shared/corpora/readability-pages` (130 pages with the
 * article Readability extracts and the page's metadata). Body quality is the word 4-gram shingle
 * metric of the public article-extraction benchmark: precision, recall and F1 of the multiset of
 * 4-grams of the extracted body against the expected article text, averaged over pages.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = path.resolve(repoRoot, '../shared/corpora/readability-pages');

type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

interface Metadata {
  title?: string | null;
  byline?: string | null;
  publishedTime?: string | null;
}

interface Page {
  name: string;
  source: Uint8Array;
  sourceText: string;
  expectedText: string;
  metadata: Metadata;
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
}

/** Words; in scripts written without spaces (Chinese, Japanese, Korean), each character. */
function tokens(text: string): string[] {
  return (
    text.toLowerCase().match(/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]|[\p{L}\p{N}]+/gu) ?? []
  );
}

function shingles(text: string, size = 4): Map<string, number> {
  const words = tokens(text);
  const counts = new Map<string, number>();
  if (words.length === 0) return counts;
  const last = Math.max(1, words.length - size + 1);
  for (let i = 0; i < last; i++) {
    const shingle = words.slice(i, i + size).join(' ');
    counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  }
  return counts;
}

/** Shingle precision/recall/F1 of one extraction; an empty extraction scores 0 on all three. */
export function shingleScore(extracted: string, expected: string): Score {
  const got = shingles(extracted);
  const want = shingles(expected);
  let overlap = 0;
  let gotTotal = 0;
  let wantTotal = 0;
  for (const count of want.values()) wantTotal += count;
  for (const [shingle, count] of got) {
    gotTotal += count;
    overlap += Math.min(count, want.get(shingle) ?? 0);
  }
  if (gotTotal === 0 || wantTotal === 0 || overlap === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = overlap / gotTotal;
  const recall = overlap / wantTotal;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

function loadPages(): Page[] {
  return readdirSync(PAGES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(PAGES, entry.name, 'expected.html')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const folder = path.join(PAGES, name);
      const source = new Uint8Array(readFileSync(path.join(folder, 'source.html')));
      const expected = parseDocument(readFileSync(path.join(folder, 'expected.html'), 'utf8'));
      return {
        name,
        source,
        sourceText: new TextDecoder().decode(source),
        expectedText: expected.body ? renderPageText(expected.body) : '',
        metadata: JSON.parse(readFileSync(path.join(folder, 'expected-metadata.json'), 'utf8')) as Metadata,
      };
    });
}

/** Case, spacing, quotes and punctuation ignored. */
export function normal(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A byline without its "By"/"Par"/"Written by" label. */
function normalByline(text: string): string {
  return normal(text).replace(/^(written by|posted by|by|par|von|door|por)\s+/, '');
}

/** Same headline, or the same once the site's name is cut from one end ("Headline | Site"). */
export function titleMatches(got: string | null, expected: string): boolean {
  if (got === null) return false;
  const ours = normal(got);
  if (ours === normal(expected)) return true;
  const parts = expected.split(/\s+[|–—·-]\s+|\s*_|\s+\[(?=[^\]]*\]$)/);
  for (let cut = 1; cut < parts.length; cut++) {
    if (ours === normal(parts.slice(0, -cut).join(' ')) || ours === normal(parts.slice(cut).join(' ')))
      return true;
  }
  return false;
}

/** The expected byline contains the names we found, or the other way round. */
function bylineMatches(got: string[], expected: string): boolean {
  if (got.length === 0) return false;
  const want = normalByline(expected);
  const found = normalByline(got.join(' '));
  const first = normalByline(got[0] ?? '');
  return found !== '' && (want.includes(first) || found.includes(want));
}

/** Same instant within a minute; a date-only value matches any time that day. */
function dateMatches(got: string | null, expected: string): boolean {
  if (got === null) return false;
  const want = Date.parse(expected.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1'));
  const have = Date.parse(got);
  if (Number.isNaN(want) || Number.isNaN(have)) return false;
  if (!/T\d/.test(expected.replace(' ', 'T'))) return got.slice(0, 10) === expected.slice(0, 10);
  return Math.abs(want - have) <= 60_000;
}

export interface Extraction {
  body: string;
  title: string | null;
  authors: string[];
  publishedAt: string | null;
  refused: string | null;
  /** The evidence the body came from (`fields.body`). */
  rule: string;
  ms: number;
}

export function gazette(body: Uint8Array | string, contentType: string): Extraction {
  const started = performance.now();
  const outcome = parseArticle({ body, contentType });
  const ms = performance.now() - started;
  if (!outcome.ok)
    return {
      body: '',
      title: null,
      authors: [],
      publishedAt: null,
      refused: outcome.detail,
      rule: 'refused',
      ms,
    };
  const { article } = outcome;
  return {
    body: article.bodyText,
    title: article.title,
    authors: article.authors.map((author) => author.name),
    publishedAt: article.publishedAt,
    refused: null,
    rule: outcome.fields.body ?? 'unknown',
    ms,
  };
}

export function readabilityAlone(html: string): Extraction {
  const started = performance.now();
  let result: ReturnType<Readability<DomElement>['parse']> = null;
  try {
    result = new Readability<DomElement>(parseDocument(html) as unknown as ReadabilityDocument, {
      serializer: (element) => element as unknown as DomElement,
    }).parse();
  } catch {
    result = null;
  }
  const ms = performance.now() - started;
  const content = result?.content;
  return {
    body: content ? renderPageText(content) : '',
    title: result?.title || null,
    authors: result?.byline ? [result.byline] : [],
    publishedAt: result?.publishedTime ?? null,
    refused: result ? null : 'no article found',
    rule: 'readability',
    ms,
  };
}

/** The article region as a reader copies it: headline, byline line, then the article's text. */
function articleRegionText(page: Page): string {
  const head = [page.metadata.title, page.metadata.byline?.replace(/\s+/g, ' ')].filter(Boolean);
  return [...head, page.expectedText].join('\n\n');
}

interface Row {
  page: string;
  /** What the page says it is, in its JSON-LD or Open Graph type. */
  kind: string;
  scores: Record<string, Score>;
}

/** The page's own claim about what it is: a news article, a blog post, another article, or nothing. */
function pageKind(html: string): string {
  const types = [...html.matchAll(/"@type"\s*:\s*"([A-Za-z]+)"/g)].map((match) => match[1]);
  if (types.some((type) => type?.endsWith('NewsArticle'))) return 'news article';
  if (types.includes('BlogPosting')) return 'blog post';
  if (types.includes('Article') || /property=["']og:type["']\s+content=["']article/i.test(html))
    return 'other article';
  return 'undeclared';
}

/** HTML and plain-text F1 per kind of page, beside Readability's on the same pages. */
function printByKind(rows: Row[]): void {
  console.log('  by kind of page (declared type)   pages  html F1  readability F1  region F1  page F1');
  const kinds = [...new Set(rows.map((row) => row.kind))].sort();
  for (const kind of kinds) {
    const group = rows.filter((row) => row.kind === kind);
    const f1 = (key: string) => fixed(mean(group.map((row) => row.scores[key]?.f1 ?? 0)));
    console.log(
      `    ${kind.padEnd(31)} ${String(group.length).padStart(5)}  ${f1('html')}    ${f1('readability')}           ${f1('region')}      ${f1('page')}`,
    );
  }
}

const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const fixed = (value: number) => value.toFixed(3);
const share = (hits: number, total: number) =>
  `${hits}/${total} (${((100 * hits) / Math.max(1, total)).toFixed(1)}%)`;

function summary(rows: Row[], key: string): string {
  const scores = rows.map((row) => row.scores[key] as Score);
  return `F1 ${fixed(mean(scores.map((s) => s.f1)))} (P ${fixed(mean(scores.map((s) => s.precision)))}, R ${fixed(mean(scores.map((s) => s.recall)))})`;
}

interface MetadataTally {
  title: number;
  titles: number;
  byline: number;
  bylines: number;
  date: number;
  dates: number;
  /** A date given where the page's metadata has none: possibly invented, worth a look. */
  extraDates: number;
}

function tally(pages: Page[], extractions: Extraction[]): MetadataTally {
  const result: MetadataTally = {
    title: 0,
    titles: 0,
    byline: 0,
    bylines: 0,
    date: 0,
    dates: 0,
    extraDates: 0,
  };
  pages.forEach((page, index) => {
    const got = extractions[index] as Extraction;
    const { title, byline, publishedTime } = page.metadata;
    if (title) {
      result.titles++;
      if (titleMatches(got.title, title)) result.title++;
    }
    if (byline?.trim()) {
      result.bylines++;
      if (bylineMatches(got.authors, byline)) result.byline++;
    }
    if (publishedTime) {
      result.dates++;
      if (dateMatches(got.publishedAt, publishedTime)) result.date++;
    } else if (got.publishedAt) result.extraDates++;
  });
  return result;
}

export function benchQuality(options: { verbose?: boolean } = {}) {
  if (!existsSync(PAGES)) {
    console.log(`quality: ${PAGES} is not there; skipped (it holds the real pages this benchmark needs)`);
    return null;
  }
  // Some of Readability's test pages are fragments of a few words, not articles; Gazette refuses
  // those by design (an article needs 25 words), so they are listed but left out of the averages.
  const all = loadPages();
  const fragments = all.filter((page) => tokens(page.expectedText).length < 25).map((page) => page.name);
  const pages = all.filter((page) => !fragments.includes(page.name));
  const ours: Extraction[] = [];
  const theirs: Extraction[] = [];
  const wholes: Extraction[] = [];
  const rows: Row[] = [];
  const refusals: Record<string, string[]> = { html: [], region: [], page: [] };
  for (const page of pages) {
    const html = gazette(page.source, 'text/html');
    const alone = readabilityAlone(page.sourceText);
    const regionText = articleRegionText(page);
    const pageText = copyPageText(page.sourceText);
    const region = gazette(regionText, 'text/plain');
    const whole = gazette(pageText, 'text/plain');
    ours.push(html);
    theirs.push(alone);
    wholes.push(whole);
    if (html.refused) refusals.html?.push(`${page.name}: ${html.refused}`);
    if (region.refused) refusals.region?.push(`${page.name}: ${region.refused}`);
    if (whole.refused) refusals.page?.push(`${page.name}: ${whole.refused}`);
    rows.push({
      page: page.name,
      kind: pageKind(page.sourceText),
      scores: {
        html: shingleScore(html.body, page.expectedText),
        readability: shingleScore(alone.body, page.expectedText),
        region: shingleScore(region.body, page.expectedText),
        regionAll: shingleScore(page.expectedText, page.expectedText),
        page: shingleScore(whole.body, page.expectedText),
        pageAll: shingleScore(pageText, page.expectedText),
      },
    });
  }

  console.log(
    `quality, ${pages.length} real pages (../shared/corpora/readability-pages), word 4-gram shingles; left out, fragments under 25 words: ${fragments.join(', ')}`,
  );
  console.log(`  text/html            Gazette ${summary(rows, 'html')}`);
  console.log(`                       Readability alone ${summary(rows, 'readability')}`);
  console.log(
    `  text/plain, article  Gazette ${summary(rows, 'region')}   (region = headline, byline, article text)`,
  );
  console.log(`  text/plain, page     Gazette ${summary(rows, 'page')}`);
  console.log(`                       keeping every line ${summary(rows, 'pageAll')}`);
  printByKind(rows);
  const worse = rows.filter((row) => (row.scores.html?.f1 ?? 0) < (row.scores.readability?.f1 ?? 0) - 0.05);
  console.log(`  pages where Gazette's HTML F1 trails Readability's by more than 0.05: ${worse.length}`);
  console.log(
    `  422s: html ${refusals.html?.length}, article text ${refusals.region?.length}, page text ${refusals.page?.length} (Readability finds nothing on ${theirs.filter((t) => t.refused).length})`,
  );
  for (const [input, list] of Object.entries(refusals))
    for (const line of list) console.log(`    ${input} ${line}`);

  const rules = new Map<string, number>();
  for (const extraction of ours) rules.set(extraction.rule, (rules.get(extraction.rule) ?? 0) + 1);
  console.log(`  HTML body taken from: ${[...rules].map(([rule, count]) => `${rule} ${count}`).join(', ')}`);
  const [mostEscaped] = pages
    .map((page) => {
      // Counted where the extractor counts: on the page cleaned of scripts, styles and chrome.
      const { document } = preparePage(page.sourceText);
      cleanPage(document);
      return { name: page.name, count: escapedCharacters(document) };
    })
    .sort((a, b) => b.count - a.count);
  console.log(
    `  most escaped characters in a page's text: ${mostEscaped?.count} (${mostEscaped?.name}); past ${MAX_ESCAPED_CHARACTERS} Readability is not used`,
  );
  const ourMeta = tally(pages, ours);
  const theirMeta = tally(pages, theirs);
  for (const [label, meta] of [
    ['Gazette', ourMeta],
    ['Readability alone', theirMeta],
    // The whole page copied as text: the headline is a line somewhere in it, or not there at all.
    ['Gazette, page text', tally(pages, wholes)],
  ] as const) {
    console.log(
      `  metadata, ${label.padEnd(18)} title ${share(meta.title, meta.titles)}, byline ${share(meta.byline, meta.bylines)}, published ${share(meta.date, meta.dates)}; a date where the metadata has none: ${meta.extraDates}`,
    );
  }
  const times = ours.map((extraction) => extraction.ms);
  const readabilityTimes = theirs.map((extraction) => extraction.ms);
  console.log(
    `  HTML parse time per page: p50 ${percentile(times, 0.5).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (Readability alone p50 ${percentile(readabilityTimes, 0.5).toFixed(1)} ms, max ${Math.max(...readabilityTimes).toFixed(1)} ms)`,
  );

  const worst = (key: string, count: number) =>
    [...rows].sort((a, b) => (a.scores[key]?.f1 ?? 0) - (b.scores[key]?.f1 ?? 0)).slice(0, count);
  const show = (key: string, count: number) => {
    console.log(`  worst pages, ${key}:`);
    for (const row of worst(key, count)) {
      const score = row.scores[key] as Score;
      console.log(
        `    ${row.page.padEnd(36)} F1 ${fixed(score.f1)} P ${fixed(score.precision)} R ${fixed(score.recall)}   readability ${fixed(row.scores.readability?.f1 ?? 0)}`,
      );
    }
  };
  const count = options.verbose ? 25 : 8;
  show('html', count);
  show('region', count);
  show('page', count);
  if (options.verbose) {
    for (const [index, page] of pages.entries()) {
      const got = ours[index] as Extraction;
      const { title, byline, publishedTime } = page.metadata;
      if (title && !titleMatches(got.title, title))
        console.log(`  title  ${page.name}: ${JSON.stringify(got.title)} ≠ ${JSON.stringify(title)}`);
      if (byline?.trim() && !bylineMatches(got.authors, byline))
        console.log(`  byline ${page.name}: ${JSON.stringify(got.authors)} ≠ ${JSON.stringify(byline)}`);
      if (publishedTime && !dateMatches(got.publishedAt, publishedTime))
        console.log(`  date   ${page.name}: ${got.publishedAt} ≠ ${publishedTime}`);
      if (!publishedTime && got.publishedAt)
        console.log(`  date?  ${page.name}: ${got.publishedAt} (metadata has none)`);
    }
  }
  if (process.env.QUALITY_DUMP) writeFileSync(process.env.QUALITY_DUMP, JSON.stringify(rows));
  return { rows, ours: ourMeta, readability: theirMeta };
}

if (isMain(import.meta.url)) benchQuality({ verbose: process.argv.includes('--verbose') });
