import { Readability } from '@mozilla/readability';
import { type Block, collapseSpaces, splitPlainBlocks } from './blocks.js';
import { splitNames } from './byline.js';
import type { DomDocument, DomElement, DomNode } from './dom.js';
import { flattenDeepNesting, MAX_NESTING, parseDocument } from './dom.js';
import { readHtmlMetadata } from './html-metadata.js';
import type { StructureHints } from './items.js';
import type { RemovedBlock } from './types.js';

type HtmlNode = DomNode;
type HtmlElement = DomElement;
type HtmlDocument = DomDocument;
type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

export interface HtmlExtraction {
  blocks: Block[];
  hints: StructureHints;
  warnings: string[];
  /** Page chrome stripped before extraction, for the ingest report. */
  removed: RemovedBlock[];
}

const NON_CONTENT_TAGS =
  'script, style, noscript, template, iframe, svg, canvas, nav, aside, footer, form, button, select, dialog, [role="navigation"], [role="complementary"], [role="contentinfo"], [role="banner"] nav, [hidden]';

// Matched against single class/id tokens ("share-bar", "related_posts"), never substrings of
// words, so "header" or "thread" do not look like "ad".
const NON_CONTENT_TOKEN =
  /(^|[-_])(share|sharing|social|related|recommended|comments?|disqus|newsletter|subscribe|signup|cookies?|consent|promo|advert|advertisement|ads?|sponsor(ed)?|popular|trending|outbrain|taboola|breadcrumbs?|navbar|menu|sidebar|widget|paywall|donate|donation|tags?|byline)($|[-_])/i;

function kindOfChrome(tagName: string, names: string): RemovedBlock['kind'] {
  const token = names.toLowerCase();
  if (/share|sharing|social/i.test(token)) return 'share';
  if (/related|recommended|popular|trending|outbrain|taboola/i.test(token)) return 'related';
  if (/comment|disqus/i.test(token)) return 'comments';
  if (/newsletter|subscribe|signup/i.test(token)) return 'newsletter';
  if (/cookie|consent/i.test(token)) return 'cookie';
  if (/(^|[\s_-])(ad|ads|advert|advertisement|sponsor|sponsored|promo)($|[\s_-])/.test(token))
    return 'advert';
  if (/donate|donation|paywall/i.test(token)) return 'appeal';
  if (/^(NAV|ASIDE|FOOTER)$/.test(tagName) || /nav|menu|breadcrumb|sidebar/i.test(token)) return 'navigation';
  return 'other';
}

/** Pre-strips obvious chrome so the extractor never has to weigh it against the story. */
function stripNonContent(document: HtmlDocument): RemovedBlock[] {
  const removed: RemovedBlock[] = [];
  const drop = (element: HtmlElement) => {
    if (!/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|SVG|CANVAS|IFRAME)$/.test(element.tagName)) {
      const text = htmlToBlocks(element)
        .map((block) => block.text)
        .join('\n');
      const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
      if (text !== '') removed.push({ kind: kindOfChrome(element.tagName, names), text });
    }
    element.remove();
  };
  for (const element of document.querySelectorAll(NON_CONTENT_TAGS)) if (element.isConnected) drop(element);
  for (const element of document.querySelectorAll('[class], [id]')) {
    if (!element.isConnected) continue;
    const tokens = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`.split(/\s+/);
    if (!tokens.some((token) => token !== '' && NON_CONTENT_TOKEN.test(token))) continue;
    // A wrapper that holds the story itself ("article has-comments") is never chrome.
    if (/^(ARTICLE|MAIN|BODY|HTML)$/.test(element.tagName)) continue;
    if (element.querySelector('article, main, h1, [itemprop="articleBody"]')) continue;
    drop(element);
  }
  return removed;
}

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

function textWithBreaks(node: HtmlNode): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (node.nodeType !== 1) return '';
  if ((node as HtmlElement).tagName === 'BR') return '\n';
  let out = '';
  for (const child of node.childNodes) out += textWithBreaks(child as HtmlNode);
  return out;
}

function hasBlockChild(element: HtmlElement): boolean {
  for (const child of element.children) {
    if (LEAF_BLOCKS.has(child.tagName) || CONTAINERS.has(child.tagName)) return true;
  }
  return false;
}

/** The content tree as blocks: one per paragraph, heading or list item, `<br>` lines kept apart. */
export function htmlToBlocks(root: HtmlElement): Block[] {
  const blocks: Block[] = [];
  let inline = '';
  const flush = () => {
    for (const block of splitPlainBlocks(inline)) blocks.push(block);
    inline = '';
  };
  const visit = (node: HtmlNode) => {
    if (node.nodeType !== 1) {
      if (node.nodeType === 3) inline += node.textContent ?? '';
      return;
    }
    const element = node as HtmlElement;
    const tag = element.tagName;
    if (LEAF_BLOCKS.has(tag) && !hasBlockChild(element)) {
      flush();
      const kind = /^H[1-6]$/.test(tag) ? 'heading' : tag === 'LI' ? 'item' : 'text';
      for (const block of splitPlainBlocks(textWithBreaks(element).replaceAll('\n', '\n\n'))) {
        blocks.push({ text: block.text, kind });
      }
      return;
    }
    if (LEAF_BLOCKS.has(tag) || CONTAINERS.has(tag)) {
      flush();
      for (const child of element.childNodes) visit(child as HtmlNode);
      flush();
      return;
    }
    if (tag === 'BR') inline += '\n';
    else for (const child of element.childNodes) visit(child as HtmlNode);
  };
  visit(root as unknown as HtmlNode);
  flush();
  return blocks
    .map((block) => ({ ...block, text: collapseSpaces(block.text) }))
    .filter((block) => block.text !== '');
}

/**
 * HTML → blocks plus metadata hints. Metadata and figure captions are read before anything is
 * removed; then chrome is stripped and @mozilla/readability picks the main content. linkedom's
 * document has no documentURI/baseURI, which readability only uses to absolutise links (it keeps
 * the original href when that fails); we never keep links, so that is harmless.
 */
export function extractHtml(html: string): HtmlExtraction {
  const document = parseDocument(html);
  const warnings: string[] = [];
  if (flattenDeepNesting(document) > 0)
    warnings.push(
      `the page nests elements more than ${MAX_NESTING} deep; deeper content was read as plain text`,
    );
  const hints = readHtmlMetadata(document);
  const removed = stripNonContent(document);
  let root: HtmlElement | null = null;
  let byline: string | null = null;
  try {
    const result = new Readability(document as unknown as ReadabilityDocument, {
      charThreshold: 250,
      serializer: (element) => element as unknown as string,
    }).parse();
    root = (result?.content as unknown as HtmlElement | undefined) ?? null;
    byline = result?.byline ?? null;
  } catch {
    root = null;
  }
  if (!root) {
    warnings.push('the main-content extractor found no article; the whole page body was used');
    root = document.body;
  }
  if (!hints.authors && byline) {
    const names = splitNames(byline.replace(/^\s*by\s+/i, '').trim());
    if (names.length > 0)
      hints.authors = { value: names.map((name) => ({ name, bio: null })), rule: 'html:byline' };
  }
  return { blocks: root ? htmlToBlocks(root) : [], hints, warnings, removed };
}

/** What readability alone keeps of a page: the baseline the quality benchmark compares against. */
export function readabilityText(html: string): string {
  const document = parseDocument(html);
  const result = new Readability(document as unknown as ReadabilityDocument).parse();
  return result?.textContent ?? '';
}
