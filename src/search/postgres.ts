import { escapeHtml } from '../lib/escape-html.js';

/**
 * Full-text search on PostgreSQL: the query the repositories receive (the FTS5 expression that
 * toFullTextQuery made from what a person typed) as `to_tsquery` text for the weighted `search`
 * tsvector. Operator precedence agrees: FTS5 binds NOT, then AND, then OR; tsquery binds `!`, then
 * `<->`, then `&`, then `|`; and FTS5's binary `a NOT b` is `a & !b`.
 *
 * Words match as on SQLite: the `gazette_search` configuration folds accents and stems English
 * words (snowball, where FTS5 uses the older porter stemmer: a few words stem apart) and keeps
 * stop words, so `ferries` finds `ferry`, `cafe` finds `café` and `the` finds articles.
 */

/** Letters, digits and combining marks, as in query.ts: the only characters an operand may hold. */
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

/** The text search configuration of the `search` column (migration 0004), for queries and headlines alike. */
export const searchConfiguration = 'gazette_search';

/** One FTS5 phrase (`"w1 w2"`, `"w"*`) as a tsquery operand: words in sequence, the last a prefix. */
function phraseOperand(phrase: string): string | undefined {
  const words = phrase.match(wordPattern);
  if (!words) return undefined;
  const prefix = phrase.endsWith('*') ? ':*' : '';
  const operands = words.map((word, index) => `'${word}'${index === words.length - 1 ? prefix : ''}`);
  return operands.length === 1 ? operands[0] : `(${operands.join(' <-> ')})`;
}

/**
 * The FTS5 expression as `to_tsquery(searchConfiguration, …)` text. Only quoted phrases and the bare words OR
 * and NOT are read; anything else is ignored, so no input can make a tsquery syntax error.
 */
export function toTsQuery(match: string): string {
  const parts: string[] = [];
  let operator: '&' | '|' | '& !' = '&';
  for (const token of match.match(/"[^"]*"\*?|\bOR\b|\bNOT\b/g) ?? []) {
    if (token === 'OR' || token === 'NOT') {
      if (parts.length > 0) operator = token === 'OR' ? '|' : '& !';
      continue;
    }
    const operand = phraseOperand(token);
    if (operand === undefined) continue;
    if (parts.length > 0) parts.push(operator);
    parts.push(operand);
    operator = '&';
  }
  return parts.join(' ');
}

// Highlight markers that cannot occur in stored text; the headline is HTML-escaped and they become <mark>.
const markStart = '\u0002';
const markEnd = '\u0003';

/** ts_headline options: one fragment of about 24 words around the best match, as SQLite's snippet. */
export const headlineOptions = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=…`;

/**
 * Stand-ins for `<` and `>` in the text given to ts_headline, which would otherwise drop whatever
 * reads as an HTML tag (`<last>`); like the markers, they cannot occur in stored text.
 */
export const angleStandIns = '\u0004\u0005';

/** The headline as safe HTML: the text escaped, the matches wrapped in <mark>, angle brackets restored. */
export function headlineHtml(raw: string): string {
  return escapeHtml(raw)
    .replaceAll(markStart, '<mark>')
    .replaceAll(markEnd, '</mark>')
    .replaceAll(angleStandIns[0]!, '&lt;')
    .replaceAll(angleStandIns[1]!, '&gt;');
}
