import { Readability } from '@mozilla/readability';
import { type Block, collapseSpaces, countWords, splitPlainBlocks } from './blocks.js';
import { parseByline, splitNames } from './byline.js';
import type { DomDocument, DomElement, DomNode } from './dom.js';
import { flattenDeepNesting, MAX_NESTING, parseDocument } from './dom.js';
import { jsonLdArticleBody, readHtmlMetadata } from './html-metadata.js';
import type { StructureHints } from './items.js';
import { findMainRun, type ProseBlock } from './prose.js';
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
  /** Which evidence the body came from (`html:readability`, `html:json-ld-body`, `html:prose-run`). */
  bodyRule: string;
}

const NON_CONTENT_TAGS =
  'script, style, noscript, template, iframe, svg, canvas, nav, aside, footer, form, button, select, dialog, [role="navigation"], [role="complementary"], [role="contentinfo"], [role="banner"] nav, [hidden]';

// Matched against single class/id tokens ("share-bar", "related_posts"), never substrings of
// words, so "header" or "thread" do not look like "ad".
const NON_CONTENT_TOKEN =
  /(^|[-_])(share|sharing|social|related|recommended|comments?|disqus|newsletter|subscribe|signup|cookies?|consent|promo|advert|advertisement|ads?|sponsor(ed)?|outbrain|taboola|breadcrumbs?|navbar|donate|donation)($|[-_])/i;

/**
 * A class or id naming chrome: "share-bar", "related_posts", "comments". Long compound names
 * ("sharing-with-a-single-developer", a heading's anchor; "article--date-and-comments") are not.
 */
function isChromeName(name: string): boolean {
  if (name === '' || !NON_CONTENT_TOKEN.test(name)) return false;
  return name.split(/[-_]+/).filter((part) => part !== '').length <= 3;
}

function proseParagraphs(element: HtmlElement): number {
  let count = 0;
  for (const paragraph of element.querySelectorAll('p')) {
    if (countWords(paragraph.textContent ?? '') >= 20 && ++count >= 2) break;
  }
  return count;
}

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
    const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
    if (!names.split(/\s+/).some(isChromeName)) continue;
    // A wrapper that holds the story itself ("article has-comments") is never chrome.
    if (/^(ARTICLE|MAIN|BODY|HTML)$/.test(element.tagName)) continue;
    if (element.querySelector('article, main, h1, [itemprop="articleBody"]')) continue;
    // Paragraphs of prose under a "share" or "related" name are the story (a section about
    // sharing); only a comment thread is prose that is still chrome.
    if (kindOfChrome(element.tagName, names) !== 'comments' && proseParagraphs(element) >= 2) continue;
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

function hasBlockChild(element: HtmlElement): boolean {
  for (const child of element.children) {
    if (LEAF_BLOCKS.has(child.tagName) || CONTAINERS.has(child.tagName)) return true;
  }
  return false;
}

/**
 * The content tree as blocks: one per paragraph, heading or list item, `<br>` lines kept apart,
 * each with the share of its text that is link text.
 */
function htmlToBlocks(root: HtmlElement): ProseBlock[] {
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
    if (LEAF_BLOCKS.has(tag) && !hasBlockChild(element)) {
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

/** Readability's byline ("By A", "Par A (avec B)", "By A March 25, 2015") → the people named. */
function namesFromByline(byline: string): string[] {
  // "Written by A Edited by B": the writer, not the editor or the photographer.
  const line = collapseSpaces(byline.replace(/\s+/g, ' ')).split(
    /\s(?:edited|photos?|photographs|illustrations?|graphics|additional reporting) by\s/i,
  )[0] as string;
  const aside = line.search(/[([]/);
  const head = (aside === -1 ? line : line.slice(0, aside)).replace(
    /^(par|von|por|door|di|av|af)\s+/i,
    'By ',
  );
  const parsed = parseByline(/^by\s/i.test(head) ? head : `By ${head}`);
  const names =
    parsed && parsed.authors.length > 0 ? parsed.authors : splitNames(head.replace(/^by\s+/i, ''));
  // What is left of "Sunday, 12 April" once the date is read is no person.
  return names.filter((name) => !WEEKDAY.test(name));
}

const WEEKDAY = /^(mon|tues|wednes|thurs|fri|satur|sun)day$/i;

/** Word 3-grams of a text, for measuring how far two candidate bodies agree. */
function trigrams(blocks: ProseBlock[]): Set<string> {
  const words = blocks
    .map((block) => block.text)
    .join(' ')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  const grams = new Set<string>();
  if (!words) return grams;
  for (let i = 0; i + 2 < words.length; i++) grams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return grams;
}

/** Share of `a`'s trigrams that `b` also has. */
function containedIn(a: Set<string>, b: Set<string>): number {
  if (a.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / a.size;
}

function wordsOf(blocks: ProseBlock[]): number {
  return blocks.reduce((sum, block) => sum + countWords(block.text), 0);
}

interface Candidate {
  rule: string;
  blocks: ProseBlock[];
}

/** A candidate with fewer words than this is no article body. */
const MIN_CANDIDATE_WORDS = 25;

/**
 * Picks the body among three pieces of evidence: Readability's candidate, the publisher's own
 * JSON-LD `articleBody`, and the main run of prose found by the paragraph classifier over the whole
 * page. Readability's choice stands unless it is missing or both other sources agree with each
 * other and not with it (Readability then took a comment thread, a teaser list or a sidebar).
 */
function chooseBody(
  readability: Candidate | null,
  jsonLd: Candidate | null,
  prose: () => Candidate | null,
): Candidate | null {
  const usable = (candidate: Candidate | null) =>
    candidate !== null && wordsOf(candidate.blocks) >= MIN_CANDIDATE_WORDS ? candidate : null;
  const [r, j] = [usable(readability), usable(jsonLd)];
  if (!r) return j ?? usable(prose()) ?? readability;
  if (!j) return r;
  const [rGrams, jGrams] = [trigrams(r.blocks), trigrams(j.blocks)];
  if (containedIn(jGrams, rGrams) >= 0.3 || containedIn(rGrams, jGrams) >= 0.5) return r;
  const p = usable(prose());
  if (p && containedIn(jGrams, trigrams(p.blocks)) >= 0.5) return p;
  return j;
}

/**
 * HTML → blocks plus metadata hints. Metadata and figure captions are read before anything is
 * removed; then chrome is stripped, and the body is chosen among Readability's candidate, the
 * page's JSON-LD `articleBody` and the paragraph classifier's main run of prose. linkedom's
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
  const articleBody = jsonLdArticleBody(document);
  const removed = stripNonContent(document);
  let root: HtmlElement | null = null;
  let byline: string | null = null;
  try {
    const result = new Readability(document as unknown as ReadabilityDocument, {
      serializer: (element) => element as unknown as string,
    }).parse();
    root = (result?.content as unknown as HtmlElement | undefined) ?? null;
    byline = result?.byline ?? null;
  } catch {
    root = null;
  }
  const chosen = chooseBody(
    root ? { rule: 'html:readability', blocks: htmlToBlocks(root) } : null,
    articleBody ? { rule: 'html:json-ld-body', blocks: splitPlainBlocks(articleBody) } : null,
    () => {
      // Readability has rearranged the first document; the rare page that needs this reads its own.
      const page = parseDocument(html);
      flattenDeepNesting(page);
      stripNonContent(page);
      const pageBlocks = page.body ? htmlToBlocks(page.body) : [];
      const run = findMainRun(pageBlocks);
      return run
        ? { rule: 'html:prose-run', blocks: pageBlocks.filter((_, index) => run.body[index]) }
        : null;
    },
  );
  if (!chosen) warnings.push('no article body found in the page');
  // Readability's byline is read from the article itself, which makes it better evidence than
  // rel="author" links anywhere in the page (teasers for other stories carry them too).
  if ((!hints.authors || hints.authors.rule === 'html:rel-author') && byline) {
    const names = namesFromByline(byline);
    if (names.length > 0)
      hints.authors = { value: names.map((name) => ({ name, bio: null })), rule: 'html:byline' };
  }
  return { blocks: chosen?.blocks ?? [], hints, warnings, removed, bodyRule: chosen?.rule ?? 'html:none' };
}
