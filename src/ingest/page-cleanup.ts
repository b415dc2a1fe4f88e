/**
 * Every change Gazette makes to a parsed page, in one place. Readers of metadata and captions get
 * the page as prepared (parsed, deep nesting flattened) and untouched; only then is it cleaned of
 * captioned figures and chrome for body extraction.
 */
import { countWords } from './blocks.js';
import { type DomDocument, type DomElement, parseDocument } from './dom.js';
import { htmlToBlocks } from './html-blocks.js';
import { captionElementOf, FIGURE_SELECTOR } from './html-metadata.js';
import { boundNesting } from './nesting.js';
import { type ParseWarning, parseWarning } from './report.js';
import type { RemovedBlock } from './types.js';

/** The page parsed, with a warning when pathological nesting had to be flattened. */
export function preparePage(html: string): { document: DomDocument; warnings: ParseWarning[] } {
  const bounded = boundNesting(html, MAX_PARSED_NESTING);
  const document = parseDocument(bounded.html);
  const flattened = flattenDeepNesting(document);
  return {
    document,
    warnings: flattened + bounded.dropped > 0 ? [parseWarning('deep-nesting', MAX_NESTING)] : [],
  };
}

/**
 * Removes captioned figures (their captions were read as images and stay out of the body) and
 * page chrome; returns the chrome's text for the ingest report.
 */
export function cleanPage(document: DomDocument): RemovedBlock[] {
  for (const figure of document.querySelectorAll(FIGURE_SELECTOR)) {
    if (captionElementOf(figure)) figure.remove();
  }
  return stripChrome(document);
}

/** Real pages nest a few dozen elements deep; past this, structure carries no meaning, only cost. */
const MAX_NESTING = 64;
/**
 * Tags opened deeper than this are dropped before parsing (nesting.ts). It sits well above
 * MAX_NESTING, which flattens what lies between the two once the page is parsed.
 */
const MAX_PARSED_NESTING = 512;

/**
 * Replaces each subtree that starts deeper than `maxDepth` with its text, so extraction (which
 * walks ancestors for every candidate) stays fast on pathologically nested pages. Returns how
 * many subtrees were flattened.
 */
function flattenDeepNesting(document: DomDocument, maxDepth = MAX_NESTING): number {
  if (!document.body) return 0;
  let flattened = 0;
  const stack: [DomElement, number][] = [[document.body, 0]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (depth >= maxDepth) {
      if (element.firstElementChild) {
        // Setting textContent replaces every descendant with one text node of the same text.
        const text = element.textContent;
        element.textContent = text;
        flattened++;
      }
      continue;
    }
    for (const child of element.children) stack.push([child, depth + 1]);
  }
  return flattened;
}

const NON_CONTENT_TAGS =
  'script, style, noscript, template, iframe, svg, canvas, nav, aside, footer, form, button, select, dialog, [role="navigation"], [role="complementary"], [role="contentinfo"], [role="banner"] nav, [hidden]';

/** Marks an element that holds the story itself, so no wrapper around it is ever chrome. */
const STORY_SELECTOR = 'article, main, h1, [itemprop="articleBody"]';

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

function proseParagraphs(element: DomElement): number {
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

/** Removes obvious chrome so the extractor never has to weigh it against the story. */
export function stripChrome(document: DomDocument): RemovedBlock[] {
  const removed: RemovedBlock[] = [];
  const drop = (element: DomElement) => {
    if (!/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|SVG|CANVAS|IFRAME)$/.test(element.tagName)) {
      const text = htmlToBlocks(element)
        .map((block) => block.text)
        .join('\n');
      const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
      if (text !== '') removed.push({ kind: kindOfChrome(element.tagName, names), text });
    }
    element.remove();
  };
  for (const element of document.querySelectorAll(NON_CONTENT_TAGS)) {
    if (!element.isConnected) continue;
    // ASP.NET WebForms pages wrap the whole page, story included, in one <form>.
    if (element.tagName === 'FORM' && element.querySelector(STORY_SELECTOR)) continue;
    drop(element);
  }
  for (const element of document.querySelectorAll('[class], [id]')) {
    if (!element.isConnected) continue;
    const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
    if (!names.split(/\s+/).some(isChromeName)) continue;
    // A wrapper that holds the story itself ("article has-comments") is never chrome.
    if (/^(ARTICLE|MAIN|BODY|HTML)$/.test(element.tagName)) continue;
    if (element.querySelector(STORY_SELECTOR)) continue;
    // Paragraphs of prose under a "share" or "related" name are the story (a section about
    // sharing); only a comment thread is prose that is still chrome.
    if (kindOfChrome(element.tagName, names) !== 'comments' && proseParagraphs(element) >= 2) continue;
    drop(element);
  }
  return removed;
}
