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
  'Media caption ',
  'FILE - ',
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

/** Inputs scraped pages really contain, built to any size: each stresses a different part of the parse. */
const growingInputs: Record<string, { contentType: string; make: (size: number) => string }> = {
  'a caption opener before a run of "<"': {
    contentType: 'text/html',
    make: (n) => `Image caption ${'<'.repeat(n)}`,
  },
  'thousands of <br> lines': {
    contentType: 'text/html',
    make: (n) => `Title\n${'a line<br>'.repeat(n / 10)}`,
  },
  'thousands of short paragraphs': {
    contentType: 'text/html',
    make: (n) => '<p>One word.</p>'.repeat(n / 16),
  },
  'nested divs': {
    contentType: 'text/html',
    make: (n) => `${'<div>x'.repeat(n / 6)}${'</div>'.repeat(n / 6)}`,
  },
  'nested inline tags': { contentType: 'text/html', make: (n) => `<p>${'<b>x'.repeat(n / 4)}</p>` },
  'thousands of short lines': {
    contentType: 'text/plain',
    make: (n) => `Title\n\n${'Short line\n'.repeat(n / 11)}`,
  },
  'one paragraph of many sentences': {
    contentType: 'text/plain',
    make: (n) => `Title\n\n${'Words run on here. '.repeat(n / 19)}`,
  },
  'day-first date fragments that never finish': {
    contentType: 'text/plain',
    make: (n) => `Title\n\nPublié le ${'1er de mars de '.repeat(n / 14)}`,
  },
};

/**
 * A time bound alone lets a quadratic step through when it is fast at the size tried; the growth
 * from one size to four times it tells them apart: about 4× for a linear parse, 16× for a quadratic one.
 */
t.test('parse time grows linearly with the size of hostile input', async (t) => {
  const base = 20_000;
  const fastest = (call: () => unknown) => {
    let best = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = performance.now();
      call();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  for (const [name, { contentType, make }] of Object.entries(growingInputs)) {
    const small = make(base);
    const large = make(base * 4);
    parseArticle({ body: small, contentType });
    const smallMs = fastest(() => parseArticle({ body: small, contentType }));
    const largeMs = fastest(() => parseArticle({ body: large, contentType }));
    // Below a few tens of milliseconds, timer noise decides the ratio; such a parse is fast anyway.
    const growth = largeMs / Math.max(smallMs, 10);
    t.ok(
      largeMs < 50 || growth < 10,
      `${name}: ${Math.round(smallMs)} ms → ${Math.round(largeMs)} ms (×${growth.toFixed(1)})`,
    );
  }
});
