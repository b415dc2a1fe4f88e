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

export function stopwordsFor(language: string): ReadonlySet<string> {
  let set = stopwordSets.get(language);
  if (!set) {
    set = new Set(STOPWORDS[language] ?? STOPWORDS.en ?? []);
    stopwordSets.set(language, set);
  }
  return set;
}

type ProseClass = 'good' | 'neargood' | 'short' | 'bad';

export type ProseBlock = Block;

/** Headings that split prose into clusters: a related list or a share bar may sit inside a story. */
const BREAKS = new Set(['comments', 'related', 'share', 'newsletter', 'copyright']);
/** …but nothing after a comments heading or a copyright line is the story. */
const ENDS = new Set(['comments', 'copyright']);

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
  endsStory: boolean;
  /** Boilerplate, a repeated line or a list of links: never body, wherever it sits. */
  junk: boolean;
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
  if (kind) {
    const heading = countWords(text) <= 12;
    return {
      cls: 'bad',
      hardBreak: heading && BREAKS.has(kind),
      endsStory: heading && ENDS.has(kind),
      junk: true,
      chars,
    };
  }
  const links = block.linkDensity ?? 0;
  if (repeated || links > 0.5) return { cls: 'bad', hardBreak: false, endsStory: false, junk: true, chars };
  const judged = judge(text, links, stopwords, unspacedLanguage);
  return { cls: judged, hardBreak: false, endsStory: false, junk: false, chars };
}

function judge(
  text: string,
  links: number,
  stopwords: ReadonlySet<string>,
  unspacedLanguage: boolean,
): ProseClass {
  const chars = text.length;
  const sentence = SENTENCE_END.test(text);
  if (unspacedLanguage || isMostlyUnspaced(text)) {
    if (chars < 15) return 'short';
    if (links > 0.3) return 'bad';
    if (chars >= 40 && sentence) return 'good';
    return sentence ? 'neargood' : 'bad';
  }
  const words = countWords(text);
  if (chars < 50 || words < 6) return 'short';
  if (links > 0.3) return 'bad';
  const density = stopwordDensity(text, stopwords);
  if (density >= 0.3 && (chars >= 150 || (sentence && words >= 10))) return 'good';
  if (density >= 0.2 && (sentence || chars >= 100)) return 'neargood';
  return 'bad';
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

const INDECISIVE = new Set<ProseClass>(['short', 'neargood']);

/** For each block, the class of the nearest good or bad block after it ('bad' past the end). */
function nextDecisive(classes: ProseClass[]): ProseClass[] {
  const next: ProseClass[] = new Array(classes.length);
  let seen: ProseClass = 'bad';
  for (let i = classes.length - 1; i >= 0; i--) {
    next[i] = seen;
    const cls = classes[i] as ProseClass;
    if (!INDECISIVE.has(cls)) seen = cls;
  }
  return next;
}

/**
 * jusText's context step: short blocks between good ones are good, near-good ones next to good
 * are good. Two sweeps each, so a page of a million short lines costs no more than it has lines.
 */
function resolveContext(initial: ProseClass[]): ProseClass[] {
  const classes = [...initial];
  const after = nextDecisive(initial);
  let before: ProseClass = 'bad';
  for (let i = 0; i < classes.length; i++) {
    const cls = initial[i] as ProseClass;
    if (cls === 'short') classes[i] = before === 'good' && after[i] === 'good' ? 'good' : 'bad';
    if (!INDECISIVE.has(cls)) before = cls;
  }
  const afterResolved = nextDecisive(classes);
  before = 'bad';
  for (let i = 0; i < classes.length; i++) {
    if (classes[i] === 'neargood')
      classes[i] = before === 'good' || afterResolved[i] === 'good' ? 'good' : 'bad';
    const cls = classes[i] as ProseClass;
    if (!INDECISIVE.has(cls)) before = cls;
  }
  return classes;
}

export interface MainRun {
  /** Index of the run's first and last good block (inclusive). */
  start: number;
  end: number;
  /** Per block: part of the story's body. */
  body: boolean[];
  /** Each block's class after the context step. */
  classes: ProseClass[];
  /** The language the blocks were judged in. */
  language: string;
}

/** Gaps of a few non-prose blocks (an advert, a pull quote, a subheading) do not split a cluster. */
const MAX_GAP_BLOCKS = 4;
const MAX_GAP_WORDS = 60;
/** A neighbouring cluster joins when what separates it has at most twice its words of prose. */
const MERGE = 2;

interface Cluster {
  start: number;
  end: number;
  /** Words of good prose. */
  words: number;
  /** A comments heading or a copyright line comes between it and the cluster before. */
  brokenBefore: boolean;
}

/** "jdoe on Sep 21, 3:38 PM said:", "jdoe | Apr 22, 2013": the line that opens a reader's comment. */
const COMMENT_HEAD =
  /^(?:[^\s|][^|]{0,60} (?:said|says|wrote|writes):|[^\s|][^|]{0,40} \| (?:\p{L}{3,9}\.? \d{1,2},? \d{4}|\d{1,2} \p{L}{3,9}\.? \d{4}))$/iu;

/** Two comment heads inside a cluster, or just before it, make it a comment thread, not the story. */
function isCommentThread(blocks: ProseBlock[], cluster: Cluster): boolean {
  let heads = 0;
  for (let i = Math.max(0, cluster.start - 1); i <= cluster.end; i++) {
    const text = (blocks[i] as ProseBlock).text;
    if (text.length <= 100 && COMMENT_HEAD.test(text) && ++heads >= 2) return true;
  }
  return false;
}

/** Runs of good prose, split by hard breaks and by long stretches of anything else. */
function clustersOf(blocks: ProseBlock[], classified: Classified[], classes: ProseClass[]): Cluster[] {
  const clusters: Cluster[] = [];
  let current: Cluster | null = null;
  let gapBlocks = 0;
  let gapWords = 0;
  let broken = false;
  for (let i = 0; i < blocks.length; i++) {
    const entry = classified[i] as Classified;
    if (entry.hardBreak) {
      current = null;
      broken ||= entry.endsStory;
      continue;
    }
    const words = countWords((blocks[i] as ProseBlock).text);
    if (classes[i] === 'good') {
      if (current) {
        current.end = i;
        current.words += words;
      } else {
        current = { start: i, end: i, words, brokenBefore: broken };
        clusters.push(current);
        broken = false;
      }
      gapBlocks = 0;
      gapWords = 0;
      continue;
    }
    if (!current) continue;
    gapBlocks++;
    gapWords += words;
    if (gapBlocks > MAX_GAP_BLOCKS || gapWords > MAX_GAP_WORDS) current = null;
  }
  return clusters;
}

/** Words before each block, so that the words between any two blocks cost one subtraction. */
function wordOffsets(blocks: ProseBlock[]): number[] {
  const offsets = [0];
  for (const block of blocks) offsets.push((offsets.at(-1) as number) + countWords(block.text));
  return offsets;
}

/**
 * The story's body: the largest cluster of good prose, joined by neighbouring clusters that are
 * larger than what separates them (a list or a table inside the article) but not across a comments
 * or related heading. Inside it, every block but boilerplate, repeated lines and link lists.
 */
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
  const all = clustersOf(blocks, classified, classes);
  const stories = all.filter((cluster) => !isCommentThread(blocks, cluster));
  // A page where every run of prose reads as comments is judged as if none did.
  const clusters = stories.length > 0 ? stories : all;
  if (clusters.length === 0) return null;
  const offsets = wordOffsets(blocks);
  const wordsBetween = (from: number, to: number) => (offsets[to] as number) - (offsets[from] as number);
  let main = clusters.reduce((best, cluster) => (cluster.words > best.words ? cluster : best));
  let first = clusters.indexOf(main);
  let last = first;
  let start = main.start;
  let end = main.end;
  for (let grew = true; grew; ) {
    grew = false;
    const before = clusters[first - 1];
    if (before && !main.brokenBefore && wordsBetween(before.end + 1, start) <= before.words * MERGE) {
      first--;
      start = before.start;
      main = before;
      grew = true;
    }
    const after = clusters[last + 1];
    if (after && !after.brokenBefore && wordsBetween(end + 1, after.start) <= after.words * MERGE) {
      last++;
      end = after.end;
      grew = true;
    }
  }
  const body = classified.map(
    (entry, index) => index >= start && index <= end && (classes[index] === 'good' || !entry.junk),
  );
  return { start, end, body, classes, language: lang };
}
