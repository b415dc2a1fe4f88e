import { isMostlyUnspaced } from './blocks.js';
import type { Item } from './items.js';

/** How many blocks before the story's first paragraph a copied page's headline may sit. */
const HEADLINE_WINDOW = 30;
/** How many of the story's opening words the headline's words are looked for in. */
const OPENING_TERMS = 400;
/** More than enough text for one term, stop words and spaces included. */
const CHARACTERS_PER_TERM = 24;
/** The share of a headline's words the opening must repeat. */
const MIN_OVERLAP = 0.2;
/** How close above the headline a second copy of it may be printed. */
const REPEAT_DISTANCE = 5;

/** Content words of a line, or character pairs in scripts written without spaces. */
function contentTerms(text: string, stopwords: ReadonlySet<string>): string[] {
  const lower = text.toLowerCase();
  if (isMostlyUnspaced(text)) {
    const chars = [...lower.replace(/[^\p{L}\p{N}]+/gu, '')];
    return chars.slice(1).map((char, index) => `${chars[index]}${char}`);
  }
  return (lower.match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((word) => !stopwords.has(word));
}

/** A line dropped as page chrome (a menu, a teaser list) that may still be the story's own. */
function isDroppedChrome({ role }: Item): boolean {
  return role.kind === 'removed' && ['navigation', 'related', 'other'].includes(role.removed);
}

/**
 * A page copied as text puts its headline somewhere among the lines that lead into the story
 * (section names, captions, share bars, teasers, a dateline), often in what was dropped as page
 * chrome. The headline is the line whose words the story's opening repeats most; a line that
 * shares less than a fifth of its words with the opening is no headline.
 */
export function headlineOfCopiedPage(
  items: Item[],
  runStart: number,
  stopwords: ReadonlySet<string>,
  isHeadlineShaped: (text: string) => boolean,
): Item | undefined {
  const opening = new Set<string>();
  let terms = 0;
  for (let index = runStart; index < items.length && terms < OPENING_TERMS; index++) {
    const item = items[index] as Item;
    if (item.role.kind !== 'body') continue;
    // A term takes a few characters: a long paragraph is read only as far as the opening needs.
    const text = item.block.text.slice(0, (OPENING_TERMS - terms) * CHARACTERS_PER_TERM);
    for (const term of contentTerms(text, stopwords).slice(0, OPENING_TERMS - terms)) {
      opening.add(term);
      terms++;
    }
  }
  let best: Item | undefined;
  let bestScore = MIN_OVERLAP;
  for (const item of items.slice(Math.max(0, runStart - HEADLINE_WINDOW), runStart)) {
    const { role, block } = item;
    if (
      (role.kind !== 'body' && !isDroppedChrome(item)) ||
      block.kind === 'item' ||
      !isHeadlineShaped(block.text)
    )
      continue;
    const words = contentTerms(block.text, stopwords);
    if (words.length === 0) continue;
    const shared = words.filter((word) => opening.has(word)).length;
    const score = shared / words.length;
    // Two shared words at least (a site name shares one); the nearer of two equal lines, as the
    // headline sits closer to the story than a teaser.
    if (shared >= 2 && score >= bestScore) {
      best = item;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Lines dropped as chrome between a copied page's headline and its first paragraph, where its
 * byline and dateline sit. A page that prints its headline twice may have them under the first.
 */
export function droppedLeadLines(items: Item[], headline: Item, runStart: number): Item[] {
  const at = items.indexOf(headline);
  const near = Math.max(0, at - REPEAT_DISTANCE);
  const earlier = items.slice(near, at).findIndex((item) => item.block.text === headline.block.text);
  const from = earlier < 0 ? at + 1 : near + earlier + 1;
  const paragraph = items.findIndex((item, index) => index >= runStart && item.role.kind === 'body');
  return items.slice(from, paragraph < 0 ? runStart : paragraph).filter(isDroppedChrome);
}
