import { type Block, collapseSpaces } from './blocks.js';
import type { DomElement as HtmlElement, DomNode as HtmlNode } from './dom.js';
import type { ProseBlock } from './prose.js';

const LEAF_BLOCKS = new Set([
  'P',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'PRE',
  'BLOCKQUOTE',
  'DT',
  'DD',
  'TD',
  'TH',
]);
const CONTAINERS = new Set([
  'DIV',
  'SECTION',
  'ARTICLE',
  'MAIN',
  'HEADER',
  'UL',
  'OL',
  'DL',
  'TABLE',
  'TBODY',
  'THEAD',
  'TR',
  'FIGURE',
  'CENTER',
  'BODY',
  'HGROUP',
]);

/** Text of an element as laid out: source line breaks are spaces, `<br>` is a line break. */
function textWithBreaks(node: HtmlNode, preformatted: boolean): string {
  if (node.nodeType === 3) {
    const text = node.textContent ?? '';
    return preformatted ? text : text.replace(/\s+/g, ' ');
  }
  if (node.nodeType !== 1) return '';
  const element = node as HtmlElement;
  if (element.tagName === 'BR') return '\n';
  const pre = preformatted || element.tagName === 'PRE';
  let out = '';
  for (const child of element.childNodes) out += textWithBreaks(child as HtmlNode, pre);
  return out;
}

function linkChars(element: HtmlElement): number {
  let chars = 0;
  for (const link of element.querySelectorAll('a')) chars += (link.textContent ?? '').trim().length;
  return chars;
}

const BLOCK_SELECTOR = [...LEAF_BLOCKS, ...CONTAINERS].join(', ').toLowerCase();

/**
 * Blocks inside a paragraph, even under inline wrappers: `<p><span><h2>…</h2><p>…</p></span></p>`
 * is what Readability makes of paragraphs split by `<br><br>` inside a `<span>`.
 */
function hasBlockDescendant(element: HtmlElement): boolean {
  return element.querySelector(BLOCK_SELECTOR) !== null;
}

/**
 * The content tree as blocks: one per paragraph, heading or list item, `<br>` lines kept apart,
 * each with the share of its text that is link text.
 */
export function htmlToBlocks(root: HtmlElement): ProseBlock[] {
  const blocks: ProseBlock[] = [];
  let inline = '';
  let inlineLinks = 0;
  const push = (text: string, kind: Block['kind'], links: number) => {
    const lines = text.split('\n');
    const total = lines.reduce((sum, line) => sum + line.trim().length, 0);
    const linkDensity = total === 0 ? 0 : Math.min(1, links / total);
    for (const line of lines) {
      const collapsed = collapseSpaces(line);
      if (collapsed !== '') blocks.push({ text: collapsed, kind, linkDensity });
    }
  };
  const flush = () => {
    push(inline, 'text', inlineLinks);
    inline = '';
    inlineLinks = 0;
  };
  const visit = (node: HtmlNode) => {
    if (node.nodeType !== 1) {
      if (node.nodeType === 3) inline += (node.textContent ?? '').replace(/\s+/g, ' ');
      return;
    }
    const element = node as HtmlElement;
    const tag = element.tagName;
    if (LEAF_BLOCKS.has(tag) && !hasBlockDescendant(element)) {
      flush();
      const kind = /^H[1-6]$/.test(tag) ? 'heading' : tag === 'LI' ? 'item' : 'text';
      push(textWithBreaks(element, false), kind, linkChars(element));
      return;
    }
    if (LEAF_BLOCKS.has(tag) || CONTAINERS.has(tag)) {
      flush();
      for (const child of element.childNodes) visit(child as HtmlNode);
      flush();
      return;
    }
    if (tag === 'BR') inline += '\n';
    else if (tag === 'A') {
      const text = textWithBreaks(element, false);
      inline += text;
      inlineLinks += text.trim().length;
    } else for (const child of element.childNodes) visit(child as HtmlNode);
  };
  visit(root as unknown as HtmlNode);
  flush();
  return blocks;
}
