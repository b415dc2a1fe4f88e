import { sha256 } from '../lib/hash.js';

const WORDS_PER_MINUTE = 230;

/** Minutes to read `wordCount` words, at least one. */
export function readingTimeMinutes(wordCount: number): number {
  return Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE));
}

/** sha256 of the title and body, case and spacing folded: the same article scraped twice hashes the same. */
export function contentHashOf(title: string, bodyText: string): string {
  return sha256(`${title}\n${bodyText}`.toLowerCase().replace(/\s+/g, ' ').trim());
}
