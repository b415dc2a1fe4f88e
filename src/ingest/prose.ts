import { createRequire } from 'node:module';
import { type Block, countWords, isMostlyUnspaced } from './blocks.js';
import { boilerplateKind } from './boilerplate.js';
import { detectLanguage } from './derive.js';
import { normalizeLine } from './recurring.js';

/**
 * A paragraph classifier in the manner of jusText: each block is good prose, near-good, short or
 * bad by its length, stop-word density, sentence punctuation and link density; short and near-good
 * blocks then take the class of their neighbours; the body is the longest run of good prose, with
 * the short blocks (subheadings) that sit inside it.
 */

const require = createRequire(import.meta.url);
const STOPWORDS = require('stopwords-iso') as Record<string, string[]>;
const stopwordSets = new Map<string, ReadonlySet<string>>();

function stopwordsFor(language: string): ReadonlySet<string> {
  let set = stopwordSets.get(language);
  if (!set) {
    set = new Set(STOPWORDS[language] ?? STOPWORDS.en ?? []);
    stopwordSets.set(language, set);
  }
  return set;
}

export type ProseClass = 'good' | 'neargood' | 'short' | 'bad';

export type ProseBlock = Block;

/** Blocks that end the article for good: what follows a comments or related heading is not the story. */
const HARD_BREAKS = new Set(['comments', 'related', 'share', 'newsletter', 'copyright']);

const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)?/gu;
const SENTENCE_END = /[.!?…]["”’')\]]?(\s|$)|[。！？]/;

function stopwordDensity(text: string, stopwords: ReadonlySet<string>): number {
  const words = text.toLowerCase().match(WORD);
  if (!words || words.length === 0) return 0;
  let stops = 0;
  for (const word of words) if (stopwords.has(word.replace('’', "'"))) stops++;
  return stops / words.length;
}

interface Classified {
  cls: ProseClass;
  hardBreak: boolean;
  chars: number;
}

function classifyBlock(
  block: ProseBlock,
  stopwords: ReadonlySet<string>,
  repeated: boolean,
  unspacedLanguage: boolean,
): Classified {
  const text = block.text;
  const chars = text.length;
  const kind = boilerplateKind(text);
  if (kind) return { cls: 'bad', hardBreak: HARD_BREAKS.has(kind) && countWords(text) <= 12, chars };
  const links = block.linkDensity ?? 0;
  if (repeated || links > 0.5) return { cls: 'bad', hardBreak: false, chars };
  const sentence = SENTENCE_END.test(text);
  if (unspacedLanguage || isMostlyUnspaced(text)) {
    if (chars < 15) return { cls: 'short', hardBreak: false, chars };
    if (links > 0.3) return { cls: 'bad', hardBreak: false, chars };
    if (chars >= 40 && sentence) return { cls: 'good', hardBreak: false, chars };
    return { cls: sentence ? 'neargood' : 'bad', hardBreak: false, chars };
  }
  const words = countWords(text);
  if (chars < 50 || words < 6) return { cls: 'short', hardBreak: false, chars };
  if (links > 0.3) return { cls: 'bad', hardBreak: false, chars };
  const density = stopwordDensity(text, stopwords);
  if (density >= 0.3 && (chars >= 150 || (sentence && words >= 10)))
    return { cls: 'good', hardBreak: false, chars };
  if (density >= 0.2 && (sentence || chars >= 100)) return { cls: 'neargood', hardBreak: false, chars };
  return { cls: 'bad', hardBreak: false, chars };
}

/** Lines printed more than once in one page (menus, repeated teasers) are never its story. */
function repeatedLines(blocks: ProseBlock[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const block of blocks) {
    if (countWords(block.text) > 15) continue;
    const key = normalizeLine(block.text);
    if (key === '') continue;
    if (seen.has(key)) repeated.add(key);
    else seen.add(key);
  }
  return repeated;
}

/** The language of the page's prose, read from its longest blocks rather than its menus. */
function proseLanguage(blocks: ProseBlock[]): string | null {
  const longest = [...blocks]
    .sort((a, b) => b.text.length - a.text.length)
    .slice(0, 5)
    .map((block) => block.text)
    .join(' ');
  return detectLanguage(longest);
}

function neighbourClass(
  classes: ProseClass[],
  index: number,
  step: number,
  skip: Set<ProseClass>,
): ProseClass {
  for (let i = index + step; i >= 0 && i < classes.length; i += step) {
    const cls = classes[i] as ProseClass;
    if (!skip.has(cls)) return cls;
  }
  return 'bad';
}

const SKIP_SHORT = new Set<ProseClass>(['short']);
const SKIP_SHORT_AND_NEAR = new Set<ProseClass>(['short', 'neargood']);

/** jusText's context step: short blocks between good ones are good, near-good ones next to good are good. */
function resolveContext(initial: ProseClass[]): ProseClass[] {
  const classes = [...initial];
  for (let i = 0; i < classes.length; i++) {
    if (initial[i] !== 'short') continue;
    const before = neighbourClass(initial, i, -1, SKIP_SHORT_AND_NEAR);
    const after = neighbourClass(initial, i, 1, SKIP_SHORT_AND_NEAR);
    classes[i] = before === 'good' && after === 'good' ? 'good' : 'bad';
  }
  for (let i = 0; i < classes.length; i++) {
    if (classes[i] !== 'neargood') continue;
    const before = neighbourClass(classes, i, -1, SKIP_SHORT_AND_NEAR);
    const after = neighbourClass(classes, i, 1, SKIP_SHORT_AND_NEAR);
    classes[i] = before === 'good' || after === 'good' ? 'good' : 'bad';
  }
  return classes;
}

export interface MainRun {
  /** Index of the run's first and last good block (inclusive). */
  start: number;
  end: number;
  /** Per block: part of the story's body. */
  body: boolean[];
  /** Characters of good prose in the run. */
  chars: number;
}

/** Gaps of a few non-prose blocks (an advert, a pull quote, an inline teaser) do not split a run. */
const MAX_GAP_BLOCKS = 4;
const MAX_GAP_WORDS = 60;

/** The longest run of good prose among the blocks, or null when there is no prose at all. */
export function findMainRun(blocks: ProseBlock[], language?: string | null): MainRun | null {
  if (blocks.length === 0) return null;
  const lang = language ?? proseLanguage(blocks) ?? 'en';
  const stopwords = stopwordsFor(lang);
  const unspaced = lang === 'zh' || lang === 'ja' || lang === 'ko' || lang === 'th';
  const repeated = repeatedLines(blocks);
  const classified = blocks.map((block) =>
    classifyBlock(block, stopwords, repeated.has(normalizeLine(block.text)), unspaced),
  );
  const classes = resolveContext(classified.map((entry) => entry.cls));

  let best: MainRun | null = null;
  let current: { start: number; end: number; chars: number } | null = null;
  let gapBlocks = 0;
  let gapWords = 0;
  const close = () => {
    if (current && (!best || current.chars > best.chars)) {
      best = { ...current, body: [] };
    }
    current = null;
  };
  for (let i = 0; i < blocks.length; i++) {
    const entry = classified[i] as Classified;
    if (entry.hardBreak) {
      close();
      continue;
    }
    if (classes[i] === 'good') {
      if (current) {
        current.end = i;
        current.chars += entry.chars;
      } else current = { start: i, end: i, chars: entry.chars };
      gapBlocks = 0;
      gapWords = 0;
      continue;
    }
    if (!current) continue;
    gapBlocks++;
    gapWords += countWords((blocks[i] as ProseBlock).text);
    if (gapBlocks > MAX_GAP_BLOCKS || gapWords > MAX_GAP_WORDS) close();
  }
  close();
  const run = best as MainRun | null;
  if (!run) return null;
  run.body = classes.map((cls, index) => cls === 'good' && index >= run.start && index <= run.end);
  return run;
}
