/**
 * Bounds how deep a page's tags can nest before the HTML parser sees it. The parser keeps its open
 * elements in an array it shifts and unshifts, so every tag costs as much as the current depth:
 * 40,000 unclosed `<b>` took seconds. Pages people write nest a few dozen deep; past `maxDepth`,
 * further opening tags are dropped and their text stays where it was.
 */

/** A tag up to the next `<` or `>`: linear, since nothing after the greedy runs can fail. */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>?/g;

/** Elements that never hold children. */
const VOID = new Set(
  'area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen'.split(
    ' ',
  ),
);
/** Elements a parser closes when the next one opens (`<li>a<li>b`), so they never pile up. */
const CLOSED_BY_SIBLING = new Set('p li dt dd option optgroup tr td th thead tbody tfoot rt rp'.split(' '));
/** Elements whose content is raw text: tags inside are not tags. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext', 'noscript']);
const RAW_TEXT_END = /<\/(script|style|textarea|title|xmp|plaintext|noscript)/gi;
/** How far down the open elements a closing tag looks for its match; stray closers are ignored. */
const CLOSE_REACH = 16;

/** Where the raw text that starts at `from` ends: at its closing tag, or at the end of the page. */
function rawTextEnd(html: string, name: string, from: number): number {
  RAW_TEXT_END.lastIndex = from;
  for (let end = RAW_TEXT_END.exec(html); end !== null; end = RAW_TEXT_END.exec(html)) {
    if (end[1]!.toLowerCase() === name) return end.index;
  }
  return html.length;
}

/** Closes the innermost open `name` among the last few, and whatever was left open inside it. */
function close(open: string[], name: string): void {
  for (let at = open.length - 1; at >= 0 && at >= open.length - CLOSE_REACH; at--) {
    if (open[at] === name) {
      open.length = at;
      return;
    }
  }
}

export function boundNesting(html: string, maxDepth: number): { html: string; dropped: number } {
  const open: string[] = [];
  const kept: string[] = [];
  let copiedUpTo = 0;
  let dropped = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match !== null; match = TAG.exec(html)) {
    const name = match[2]!.toLowerCase();
    const closing = match[1] === '/';
    if (VOID.has(name) || CLOSED_BY_SIBLING.has(name)) continue;
    if (closing) close(open, name);
    else if (RAW_TEXT.has(name)) TAG.lastIndex = rawTextEnd(html, name, TAG.lastIndex);
    else if (open.length < maxDepth) {
      open.push(name);
    } else {
      kept.push(html.slice(copiedUpTo, match.index));
      copiedUpTo = TAG.lastIndex;
      dropped++;
    }
  }
  if (dropped === 0) return { html, dropped };
  kept.push(html.slice(copiedUpTo));
  return { html: kept.join(''), dropped };
}
