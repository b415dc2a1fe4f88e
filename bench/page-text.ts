import { type DomElement, type DomNode, parseDocument } from '../src/ingest/dom.js';

/** Elements a browser lays out as blocks: a scraper copying the page puts each on its own line. */
const BLOCK_TAGS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'CAPTION',
  'CENTER',
  'DD',
  'DETAILS',
  'DIALOG',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HGROUP',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'TD',
  'TFOOT',
  'TH',
  'THEAD',
  'TR',
  'UL',
]);
/** Paragraph-like blocks get a blank line after them, as copied text usually has. */
const PARAGRAPH_TAGS = new Set([
  'P',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
  'PRE',
  'TABLE',
  'UL',
  'OL',
]);
const INVISIBLE_TAGS = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'HEAD',
  'TITLE',
  'META',
  'LINK',
  'IFRAME',
  'OBJECT',
  'CANVAS',
  'SELECT',
  'OPTION',
  'BUTTON',
]);

/**
 * The visible text of a DOM subtree the way copying it off the screen gives it: block elements on
 * lines of their own (paragraphs followed by a blank line), `<br>` as a line break, no markup,
 * scripts and styles gone.
 */
export function renderPageText(root: DomElement): string {
  const parts: string[] = [];
  const visit = (node: DomNode) => {
    if (node.nodeType === 3) {
      parts.push((node.textContent ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as DomElement;
    const tag = element.tagName.toUpperCase();
    if (INVISIBLE_TAGS.has(tag)) return;
    if (
      element.getAttribute('hidden') !== null ||
      /display:\s*none/i.test(element.getAttribute('style') ?? '')
    )
      return;
    if (tag === 'BR') {
      parts.push('\n');
      return;
    }
    if (tag === 'IMG') return;
    const block = BLOCK_TAGS.has(tag);
    if (block) parts.push('\n');
    for (const child of element.childNodes) visit(child);
    if (block) parts.push(PARAGRAPH_TAGS.has(tag) ? '\n\n' : '\n');
  };
  visit(root);
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A whole page as a scraper copies it. A page that opens <html> twice parses to an empty <body>
 * with the page after it: then the whole document is copied.
 */
export function copyPageText(html: string): string {
  const page = parseDocument(html);
  const root = page.body?.textContent?.trim() ? page.body : page.querySelector('html');
  return root ? renderPageText(root) : '';
}
