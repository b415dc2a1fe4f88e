/** One unit of text the structure rules classify: a paragraph, a line, a heading or a list item. */
export interface Block {
  text: string;
  kind: 'text' | 'heading' | 'item';
  /** Share of the block's characters inside links; only blocks read from HTML have it. */
  linkDensity?: number;
}

const TERMINAL = /[.!?:;…"”’')\]]$/;

export function collapseSpaces(text: string): string {
  // Most lines have nothing to collapse; the test is much cheaper than the replace.
  return /[\t\f\v]| {2}/.test(text) ? text.replace(/[ \t\f\v]+/g, ' ').trim() : text.trim();
}

/**
 * Blank lines separate blocks. Inside a block, lines are joined when they look hard-wrapped
 * (long lines that mostly stop mid-sentence) and kept apart otherwise, because scraped text often
 * puts one paragraph, one caption or one navigation link per line with no blank line between.
 */
export function splitPlainBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\n[ \t]*\n/)) {
    const lines = chunk
      .split('\n')
      .map(collapseSpaces)
      .filter((line) => line !== '');
    if (lines.length === 0) continue;
    if (lines.length > 1 && looksHardWrapped(lines)) {
      blocks.push({ text: lines.join(' '), kind: 'text' });
    } else {
      for (const line of lines) blocks.push({ text: line, kind: 'text' });
    }
  }
  return blocks;
}

function looksHardWrapped(lines: string[]): boolean {
  const wrapped = lines.slice(0, -1);
  const averageLength = wrapped.reduce((sum, line) => sum + line.length, 0) / wrapped.length;
  const endingSentences = wrapped.filter((line) => TERMINAL.test(line)).length;
  // Wrapped lines fill the width they were wrapped to; a page copied line by line (menus,
  // headlines, paragraphs) has lines of every length.
  const longest = wrapped.reduce((max, line) => Math.max(max, line.length), 0);
  const full = wrapped.filter((line) => line.length >= longest * 0.6).length;
  return (
    averageLength >= 40 &&
    averageLength <= 110 &&
    endingSentences / wrapped.length < 0.5 &&
    full / wrapped.length >= 0.8
  );
}

/** Han, kana and hangul: scripts written without spaces, where each character counts as a word. */
function isUnspacedScript(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x3040 && isUnspacedScript(code)) {
      count++;
      inWord = false;
      continue;
    }
    const space = code === 32 || code === 10 || code === 9 || code === 13;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** True when most of the text's letters are in a script written without spaces (Chinese, Japanese). */
export function isMostlyUnspaced(text: string): boolean {
  let unspaced = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x3040 && isUnspacedScript(code)) unspaced++;
    else if (code > 32) letters++;
  }
  return unspaced > letters;
}

/** A block that reads as prose: enough words and a sentence ending somewhere in it. */
export function isSentenceLike(text: string): boolean {
  return countWords(text) >= 8 && /[.!?…]["”’')\]]?(\s|$)|[。！？]/.test(text);
}

/** A short line with no sentence punctuation: a menu entry, topic link or headline. */
export function isShortUnpunctuated(text: string, maxWords = 6): boolean {
  if (text.length > 60 || countWords(text) > maxWords) return false;
  return !/[.!?:;,]["”’)]?$/.test(text) && !/[.!?]\s/.test(text);
}
