import path from 'node:path';
import { RegExpParser } from '@eslint-community/regexpp';
import { analyse } from 'scslre';
import t from 'tap';
import {
  BIO,
  BYLINE_LABEL,
  DATE_LABELS,
  DATE_LINE_EXTRAS,
  FOREIGN_BY,
  WEEKDAY_NAME,
} from '../../src/ingest/byline.js';
import { DAY_FIRST, FOREIGN_DAY_FIRST, MONTH_FIRST, NUMERIC } from '../../src/ingest/dates.js';
import { dynamicRegexCount, type FoundRegex, regexLiteralsIn, sourcesIn } from '../support/regex-literals.js';

const ingestFolder = path.resolve(import.meta.dirname, '../../src/ingest');

/** The patterns src/ingest builds at run time, by file; a new one must be added here to be checked. */
const dynamicPatterns: Record<string, RegExp[]> = {
  'byline.ts': [DATE_LINE_EXTRAS, FOREIGN_BY, DATE_LABELS, BIO, WEEKDAY_NAME, BYLINE_LABEL],
  'dates.ts': [MONTH_FIRST, DAY_FIRST, FOREIGN_DAY_FIRST, NUMERIC],
};

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * What makes a pattern super-linear, per scslre: backtracking within one attempt (`Self`, `Trade`)
 * or a pattern retried at every position of a long run (`Move`), the shape of every stall found
 * in the parser so far.
 */
function superLinear(pattern: { source: string; flags: string }): string[] {
  const literal = parser.parseLiteral(`/${pattern.source}/${pattern.flags}`);
  const { reports } = analyse(literal, { reportTypes: { Move: true, Self: true, Trade: true } });
  return reports.map((report) => `${report.type} on ${report.character.literal.source}`);
}

t.test('the check flags super-linear patterns and passes their linear rewrites', async (t) => {
  for (const vulnerable of [/[ \t]*\n[ \t]*/g, /\s*,\s*/, /[.'’-]+$/, /\s+(for|of|at|in)\s+.*$/i]) {
    t.not(superLinear(vulnerable).length, 0, String(vulnerable));
  }
  for (const linear of [/(?<![ \t])[ \t]*\n[ \t]*/g, /(?<!\s)\s+([.,;:!?])/g, /(?<![.'’-])[.'’-]+$/]) {
    t.same(superLinear(linear), [], String(linear));
  }
});

t.test('the collector finds every literal, including ones in nested code', async (t) => {
  const found = regexLiteralsIn(
    'sample.ts',
    'const a = /x+/g;\nfunction f() { return "/no/".replace(/[ab]+$/u, ""); }',
  );
  t.same(
    found.map(({ where, source, flags }) => [where, source, flags]),
    [
      ['sample.ts:1', 'x+', 'g'],
      ['sample.ts:2', '[ab]+$', 'u'],
    ],
  );
});

t.test('every regular expression in src/ingest runs in linear time', async (t) => {
  const patterns: FoundRegex[] = [];
  for (const { name, text } of sourcesIn(ingestFolder)) {
    patterns.push(...regexLiteralsIn(name, text));
    const built = dynamicPatterns[name] ?? [];
    t.equal(built.length, dynamicRegexCount(text), `${name}: every new RegExp is listed for checking`);
    for (const [index, regex] of built.entries()) {
      patterns.push({ where: `${name} (built #${index + 1})`, source: regex.source, flags: regex.flags });
    }
  }
  t.ok(patterns.length > 100, `found ${patterns.length} patterns`);
  const unsafe = patterns.flatMap((pattern) => {
    const reports = superLinear(pattern);
    return reports.length
      ? [`${pattern.where} /${pattern.source}/${pattern.flags}: ${reports.join(', ')}`]
      : [];
  });
  t.same(unsafe, [], 'no pattern backtracks super-linearly');
});
