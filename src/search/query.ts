import { BadRequest } from '../lib/errors.js';

const maxLength = 1000;
const maxTerms = 32;
/** Shorter prefixes would expand to most of the vocabulary; they are searched as whole words. */
const minPrefixLength = 3;
/** Each prefix reads its own list of matches; a few per query keep the work bounded. */
const maxPrefixes = 4;

/** Letters, digits and combining marks: what the index's unicode61 tokenizer keeps as words. */
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

function wordsOf(text: string): string[] {
  return text.match(wordPattern) ?? [];
}

/**
 * Turns what a person typed into a full-text query the index accepts, so that any string is either
 * a valid search or a 400 with a reason, never an FTS syntax error. Supported: words (all must
 * match), "quoted phrases", a trailing `*` for prefixes of at least three letters (at most four
 * prefixes; a shorter one is the word itself), and OR / NOT between terms. Everything else (NEAR,
 * ^, column:, brackets, SQL, control characters) is read as plain words or dropped.
 */
export function toFullTextQuery(input: string): string {
  if (input.length > maxLength) {
    throw new BadRequest(`q is ${input.length} characters long; the limit is ${maxLength}.`, [
      { path: 'query.q', message: `at most ${maxLength} characters` },
    ]);
  }
  const tokens = input.normalize('NFC').match(/"[^"]*"?|[^\s"]+/g) ?? [];
  const parts: string[] = [];
  let pendingOperator: 'OR' | 'NOT' | null = null;
  let terms = 0;
  let prefixes = 0;
  for (const token of tokens) {
    if (token === 'OR' || token === 'NOT') {
      // Binary operators: kept only between two terms, so a stray one cannot break the query.
      if (parts.length > 0) pendingOperator = token;
      continue;
    }
    const isPhrase = token.startsWith('"');
    const words = wordsOf(token);
    if (words.length === 0 || token === 'AND') continue;
    // Quoting every term makes operators and column filters inside it plain text to the index.
    let term = `"${words.join(' ')}"`;
    if (!isPhrase && token.endsWith('*') && words.at(-1)!.length >= minPrefixLength) {
      term += '*';
      prefixes++;
    }
    if (pendingOperator) parts.push(pendingOperator);
    pendingOperator = null;
    parts.push(term);
    terms++;
  }
  if (terms === 0) {
    throw new BadRequest('q has no words to search for.', [
      { path: 'query.q', message: 'no searchable words' },
    ]);
  }
  if (terms > maxTerms) {
    throw new BadRequest(`q has ${terms} terms; the limit is ${maxTerms}.`, [
      { path: 'query.q', message: `at most ${maxTerms} terms` },
    ]);
  }
  if (prefixes > maxPrefixes) {
    throw new BadRequest(`q has ${prefixes} prefix terms (word*); the limit is ${maxPrefixes}.`, [
      { path: 'query.q', message: `at most ${maxPrefixes} prefix terms` },
    ]);
  }
  return parts.join(' ');
}

/**
 * The phrases of a translated query that can match (those not after NOT), and whether any OR joins
 * terms: what ranking needs to know to score a query one phrase at a time.
 */
export function positivePhrases(match: string): { phrases: string[]; anyOr: boolean } {
  const phrases: string[] = [];
  let anyOr = false;
  let negated = false;
  for (const token of match.match(/"[^"]*"\*?|OR|NOT/g) ?? []) {
    if (token === 'OR') anyOr = true;
    if (token === 'NOT') negated = true;
    if (!token.startsWith('"')) continue;
    if (!negated) phrases.push(token);
    negated = false;
  }
  return { phrases, anyOr };
}
