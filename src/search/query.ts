import { BadRequest } from '../lib/errors.js';

const maxLength = 1000;
const maxTerms = 32;

/** Letters, digits and combining marks: what the index's unicode61 tokenizer keeps as words. */
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

function wordsOf(text: string): string[] {
  return text.match(wordPattern) ?? [];
}

/**
 * Turns what a person typed into a full-text query the index accepts, so that any string is either
 * a valid search or a 400 with a reason, never an FTS syntax error. Supported: words (all must
 * match), "quoted phrases", a trailing `*` for prefixes, and OR / NOT between terms. Everything
 * else (NEAR, ^, column:, brackets, SQL, control characters) is read as plain words or dropped.
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
    if (!isPhrase && token.endsWith('*')) term += '*';
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
  return parts.join(' ');
}
