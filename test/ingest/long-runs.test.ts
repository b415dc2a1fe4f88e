import fc from 'fast-check';
import t from 'tap';
import { collapseSpaces, splitPlainBlocks } from '../../src/ingest/blocks.js';
import { parseByline, splitNames } from '../../src/ingest/byline.js';
import { parseCaptionLine, splitCredit } from '../../src/ingest/captions.js';
import { findDate } from '../../src/ingest/dates.js';
import { decodePercentEscapes, decodeTextEntities, normalizeText } from '../../src/ingest/decode.js';
import { detectLanguage } from '../../src/ingest/derive.js';
import { extractHtml } from '../../src/ingest/html.js';
import { parseArticle } from '../../src/ingest/parse.js';
import { makeExcerpt } from '../../src/ingest/render.js';
import { simhash } from '../../src/ingest/simhash.js';
import { slugify } from '../../src/ingest/slug.js';

/** The character classes that long runs in scraped pages are made of. */
const classes: Record<string, string[]> = {
  spaces: [' ', '\t', '\u00a0', '\u3000'],
  newlines: ['\n', '\r\n', '\r'],
  'line separators': ['\u2028', '\u2029'],
  'ogham spaces': ['\u1680'],
  dots: ['.', '…'],
  brackets: ['[', ']', '(', ')'],
  quotes: ['"', "'", '’', '“', '”'],
  dashes: ['-', '–', '—'],
  letters: ['a', 'B', 'é', 'Ж'],
  digits: ['0', '7', '9'],
  'angle brackets': ['<', '>'],
  ampersands: ['&', '&amp;', '&#'],
  percents: ['%', '%2', '%E2%80'],
};

/** Openings that steer the text into a specific rule before the run starts. */
const openings = [
  '',
  'A',
  'By ',
  '[see ',
  'Tags: ',
  'Photo: ',
  'Image caption ',
  'Posted on ',
  '<p>',
  '<meta name="author" content="',
];
const endings = ['', 'b.', '\n', ']', ')', 'x', ' 2026'];

const runLength = 60_000;
/**
 * Linear steps finish a 60k run in well under a second even on a busy machine; the quadratic
 * patterns this guards against took 5 to 20 seconds on such runs.
 */
const boundMs = 5_000;

const longRun = fc
  .record({
    opening: fc.constantFrom(...openings),
    unit: fc.constantFrom(...Object.values(classes)).chain((units) => fc.constantFrom(...units)),
    ending: fc.constantFrom(...endings),
  })
  .map(
    ({ opening, unit, ending }) => `${opening}${unit.repeat(Math.ceil(runLength / unit.length))}${ending}`,
  );

const steps: Record<string, (text: string) => unknown> = {
  normalizeText,
  decodeTextEntities,
  decodePercentEscapes,
  collapseSpaces,
  splitPlainBlocks,
  splitNames,
  parseByline,
  parseCaptionLine,
  splitCredit,
  findDate,
  slugify,
  simhash,
  detectLanguage,
  makeExcerpt: (text) => makeExcerpt([text]),
  // The parser normalises text (exotic spaces become plain ones) before the HTML is parsed.
  extractHtml: (text) => extractHtml(normalizeText(`<html><body><p>${text}</p></body></html>`)),
  'parseArticle text/plain': (text) => parseArticle({ body: text, contentType: 'text/plain' }),
  'parseArticle text/html': (text) => parseArticle({ body: text, contentType: 'text/html' }),
};

/**
 * How long a call takes, timed again (up to three times, the fastest kept) when it misses the bound:
 * a quadratic step is as slow every time, a busy machine is not.
 */
function fastestOfThree(call: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3 && fastest >= boundMs; attempt++) {
    const start = performance.now();
    call();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** ASCII only, so a line separator in a sample cannot break the test output. */
const printable = (text: string) =>
  text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

t.test('every class of character in a long run goes through each parser step in bounded time', async (t) => {
  t.ok(Object.keys(classes).length >= 12);
  for (const [name, step] of Object.entries(steps)) {
    step('A warm-up call, so module set-up is not timed.');
    let slowest = { ms: 0, sample: '' };
    const result = fc.check(
      fc.property(longRun, (text) => {
        const ms = fastestOfThree(() => step(text));
        if (ms > slowest.ms) slowest = { ms, sample: printable(text.slice(0, 30)) };
        return ms < boundMs;
      }),
      { numRuns: 25, seed: 20260314, endOnFailure: true },
    );
    if (result.failed)
      t.fail(
        `${name} failed on ${printable(String(result.counterexample?.[0]).slice(0, 40))}: ${result.errorInstance}`,
      );
    t.ok(slowest.ms < boundMs, `${name}: slowest ${Math.round(slowest.ms)} ms (${slowest.sample}…)`);
  }
});
