import { collapseSpaces, countWords } from './blocks.js';
import { isPersonName, splitNames } from './byline.js';
import { splitCredit } from './captions.js';
import { normalizeIsoDate } from './dates.js';
import type { DomDocument as HtmlDocument, DomElement as HtmlElement } from './dom.js';
import type { Hint, StructureHints } from './items.js';
import type { FieldRule } from './report.js';
import type { ParsedAuthor, ParsedImage } from './types.js';

const ARTICLE_TYPES =
  /^(NewsArticle|Article|BlogPosting|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|AskPublicNewsArticle|SatiricalArticle|AdvertiserContentArticle|Report|ScholarlyArticle|MedicalScholarlyArticle|TechArticle|LiveBlogPosting|SocialMediaPosting|DiscussionForumPosting|WebPage)$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = collapseSpaces(value);
    return trimmed === '' ? null : trimmed;
  }
  if (isObject(value)) return text(value.name ?? value['@value']);
  return null;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every object in every JSON-LD script, `@graph` flattened; broken JSON is skipped, not fatal. */
function jsonLdObjects(document: HtmlDocument): JsonObject[] {
  const found: JsonObject[] = [];
  const visit = (value: unknown) => {
    for (const entry of list(value)) {
      if (!isObject(entry)) continue;
      found.push(entry);
      if (entry['@graph']) visit(entry['@graph']);
    }
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      // Pages served as XHTML (and pages saved by some tools) wrap the JSON in a CDATA section.
      const json = (script.textContent ?? '')
        .trim()
        .replace(/^(\/\/\s*)?<!\[CDATA\[/, '')
        .replace(/(\/\/\s*)?\]\]>$/, '');
      visit(JSON.parse(json));
    } catch {
      // a page's malformed JSON-LD must not stop the rest of the extraction
    }
  }
  return found;
}

function articleJsonLd(document: HtmlDocument): JsonObject | null {
  const objects = jsonLdObjects(document);
  const isArticle = (object: JsonObject) =>
    list(object['@type']).some(
      (type) => typeof type === 'string' && ARTICLE_TYPES.test(type) && type !== 'WebPage',
    );
  return objects.find(isArticle) ?? null;
}

/** The publisher's own plain text of the article, when its JSON-LD carries one. */
export function jsonLdArticleBody(document: HtmlDocument): string | null {
  const ld = articleJsonLd(document);
  const body = ld && typeof ld.articleBody === 'string' ? ld.articleBody.trim() : '';
  return body === '' ? null : body;
}

function meta(document: HtmlDocument, ...keys: string[]): string[] {
  const values: string[] = [];
  for (const key of keys) {
    for (const element of document.querySelectorAll(
      // `~=`: one meta tag may name several properties ("dc:creator twitter:creator").
      `meta[property~="${key}"], meta[name~="${key}"], meta[itemprop~="${key}"]`,
    )) {
      const value = text(element.getAttribute('content'));
      if (value) values.push(value);
    }
  }
  return values;
}

/**
 * The authors a page declares. A declared value that is no person's name ("mcupdate") is kept as
 * the page gives it unless `peopleOnly`: a link's text is not a declaration ("View my profile").
 */
function authorsFrom(values: unknown[], peopleOnly = false): ParsedAuthor[] {
  const authors: ParsedAuthor[] = [];
  for (const value of values) {
    const name = text(value);
    // article:author is often a profile URL, which names nobody.
    if (!name || /^https?:/.test(name)) continue;
    const names = splitNames(name.replace(/^by\s+/i, ''));
    // A nickname in brackets ("Richard (R.J.) Eskow") is part of the name as the page gives it.
    const keepWhole = !peopleOnly || isPersonName(collapseSpaces(name.replace(/\([^()]*\)/g, ' ')));
    for (const person of names.length > 0 || !keepWhole ? names : [name]) {
      if (!authors.some((author) => author.name === person)) {
        authors.push({ name: person, bio: isObject(value) ? text(value.description) : null });
      }
    }
  }
  return authors;
}

function tagList(values: unknown[]): string[] {
  return values
    .flatMap((value) => (typeof value === 'string' ? value.split(',') : [text(value)]))
    .map((value) => (value ? collapseSpaces(value) : ''))
    .filter((value) => value !== '' && value.length <= 60);
}

/**
 * Headline, authors, date, tags and captions from JSON-LD, meta tags and marked-up elements. It
 * only reads: the page is cleaned afterwards (page-cleanup.ts).
 */
export function readHtmlMetadata(document: HtmlDocument): StructureHints {
  const ld = articleJsonLd(document);
  const hints: StructureHints = {
    title: withoutSiteName(
      pick('html:json-ld', ld ? ldHeadline(ld, document) : null) ??
        pick('html:meta', meta(document, ...TITLE_META)[0]) ??
        headingOrTitle(document),
      siteNames(document, ld),
    ),
    subtitle:
      pick('html:json-ld', ld ? text(ld.alternativeHeadline) : null) ?? pick('html:dek', dekText(document)),
  };
  const authors = readAuthors(document, ld);
  if (authors) hints.authors = authors;
  const published = readPublishedAt(document, ld);
  if (published) hints.publishedAt = published;
  const tags = readTags(document, ld);
  if (tags) hints.tags = tags;
  const bylines = [...document.querySelectorAll('[class*="byline"], [class*="dateline"]')]
    .map((element) => text(element.textContent))
    .filter((line): line is string => line !== null && line.length <= 200);
  if (bylines.length > 0) hints.bylineLines = [...new Set(bylines)].slice(0, 2);
  hints.images = readFigureCaptions(document);
  return hints;
}

function pick<T>(rule: FieldRule, value: T | null | undefined): Hint<T> | undefined {
  return value === null || value === undefined ? undefined : { value, rule };
}

const AUTHOR_META = [
  'dc.creator',
  'DC.creator',
  'dc:creator',
  'dcterm:creator',
  'author',
  'article:author',
  'sailthru.author',
  'parsely-author',
];

function readAuthors(document: HtmlDocument, ld: JsonObject | null): Hint<ParsedAuthor[]> | undefined {
  const ldAuthors = ld ? authorsFrom(list(ld.author ?? ld.creator)) : [];
  if (ldAuthors.length > 0) return { value: ldAuthors, rule: 'html:json-ld' };
  const metaAuthors = authorsFrom(meta(document, ...AUTHOR_META));
  if (metaAuthors.length > 0) return { value: metaAuthors, rule: 'html:meta' };
  const relAuthors = authorsFrom(
    [...document.querySelectorAll('a[rel~="author"], [itemprop="author"] [itemprop="name"]')].map(
      (el) => el.textContent,
    ),
    true,
  );
  return relAuthors.length > 0 ? { value: relAuthors, rule: 'html:rel-author' } : undefined;
}

const PUBLISHED_META = [
  'article:published_time',
  'og:article:published_time',
  'parsely-pub-date',
  'datePublished',
  'pubdate',
  'publish-date',
  'dc.date',
  'DC.date.issued',
  'date',
];

function readPublishedAt(document: HtmlDocument, ld: JsonObject | null): Hint<string> | undefined {
  return (
    pick('html:json-ld', ld ? dateOf(ld.datePublished ?? ld.dateCreated) : null) ??
    pick('html:meta', dateOf(meta(document, ...PUBLISHED_META)[0])) ??
    pick(
      'html:time',
      dateOf(
        document
          .querySelector('article time[datetime], time[pubdate], time[datetime]')
          ?.getAttribute('datetime'),
      ),
    )
  );
}

/**
 * Tags of the best source present (JSON-LD, then meta tags, then rel="tag" links), followed by
 * those of the sources below it.
 */
function readTags(document: HtmlDocument, ld: JsonObject | null): Hint<string[]> | undefined {
  const ldTags = ld ? [...tagList(list(ld.keywords)), ...tagList(list(ld.articleSection))] : [];
  const metaTags = tagList(meta(document, 'article:tag'));
  const relTags = tagList([...document.querySelectorAll('a[rel~="tag"]')].map((el) => el.textContent));
  if (ldTags.length > 0) return { value: [...ldTags, ...metaTags, ...relTags], rule: 'html:json-ld' };
  if (metaTags.length > 0) return { value: [...metaTags, ...relTags], rule: 'html:meta' };
  if (relTags.length > 0) return { value: relTags, rule: 'html:rel-tag' };
  return undefined;
}

function dateOf(value: unknown): string | null {
  const raw = text(value);
  return raw ? normalizeIsoDate(raw) : null;
}

const TITLE_META = [
  'dc.title',
  'DC.title',
  'dc:title',
  'dcterm:title',
  'og:title',
  'twitter:title',
  'parsely-title',
];

function comparable(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** JSON-LD `headline`, unless it disagrees with the page's `<title>` and `name` agrees (a description put in `headline`). */
function ldHeadline(ld: JsonObject, document: HtmlDocument): string | null {
  const headline = text(ld.headline);
  const name = text(ld.name);
  // A `name` that is the site's own (some pages describe the site, not the story) is no headline.
  const sites = [...meta(document, 'og:site_name'), text(isObject(ld.publisher) ? ld.publisher.name : null)];
  const isSite = (value: string) =>
    sites.some((site) => site && comparable(site).includes(comparable(value)));
  if (!name || headline === name || isSite(name)) return headline;
  if (!headline) return name;
  const title = comparable(text(document.querySelector('title')?.textContent) ?? '');
  return !title.includes(comparable(headline)) && title.includes(comparable(name)) ? name : headline;
}

/**
 * Without metadata, the first `<h1>` is the headline when the page's `<title>` (less its site
 * name) agrees with it. When they disagree, one of them is usually the site's or a section's name
 * ("Notes from the Coast", "Site"), and the headline is the longer of the two.
 */
function headingOrTitle(document: HtmlDocument): Hint<string> | undefined {
  const heading = text(document.querySelector('h1')?.textContent);
  const cleaned = titleWithoutSiteName(text(document.querySelector('title')?.textContent));
  // Compared with the title less its site name, so that an h1 holding the site's name never agrees.
  const [h, t] = [comparable(heading ?? ''), comparable(cleaned ?? '')];
  const agree = h !== '' && (t.includes(h) || h.includes(t));
  // When they disagree, the one that is not the site's name is the longer one.
  if (heading && (!cleaned || agree || countWords(heading) >= countWords(cleaned))) {
    return { value: heading, rule: 'html:h1' };
  }
  return cleaned ? { value: cleaned, rule: 'html:title' } : undefined;
}

/** What stands between a headline and a site name in a title: "Headline | Site", "Site - Headline". */
const TITLE_SEPARATOR = /(?<!\s)\s+[|–—-]\s+/g;

/** The names the page gives its site: `og:site_name`, `application-name`, the JSON-LD publisher. */
function siteNames(document: HtmlDocument, ld: JsonObject | null): string[] {
  const publisher = ld && isObject(ld.publisher) ? text(ld.publisher.name) : null;
  return [...meta(document, 'og:site_name', 'application-name'), ...(publisher ? [publisher] : [])];
}

/**
 * "Headline | Site", "Site | Headline", "Headline - Site": the headline, when one end is a name the
 * page itself gives its site. A title whose ends name no site is left whole.
 */
function withoutSiteName(title: Hint<string> | undefined, sites: string[]): Hint<string> | undefined {
  if (!title || sites.length === 0) return title;
  const { value } = title;
  const separators = [...value.matchAll(TITLE_SEPARATOR)];
  const [first, last] = [separators[0], separators.at(-1)];
  if (!first || !last) return title;
  const isSite = (part: string) => sites.some((site) => comparable(site) === comparable(part));
  if (isSite(value.slice(last.index + last[0].length)))
    return { ...title, value: value.slice(0, last.index) };
  if (isSite(value.slice(0, first.index)))
    return { ...title, value: value.slice(first.index + first[0].length) };
  return title;
}

/** "Headline | Site" or "Headline - Site": drop the site name, keep the headline. */
function titleWithoutSiteName(title: string | null): string | null {
  if (!title) return null;
  const parts = title.split(TITLE_SEPARATOR);
  return parts.length > 1 && (parts[0] ?? '').length >= 15 ? (parts[0] as string) : title;
}

function dekText(document: HtmlDocument): string | null {
  const element = document.querySelector(
    '[class*="standfirst"], [class*="dek"]:not([class*="desk"]), [class*="subtitle"], [class*="subheadline"], [class*="sub-headline"], [itemprop="alternativeHeadline"]',
  );
  return text(element?.textContent);
}

const CREDIT_SELECTOR = '[class*="credit"], [class*="copyright"], small, cite';
export const FIGURE_SELECTOR = 'figure, [class*="wp-caption"]';

/** The element holding a figure's caption; a figure without one is left in the body. */
export function captionElementOf(figure: HtmlElement): HtmlElement | null {
  return (
    figure.querySelector('figcaption') ?? figure.querySelector('[class*="caption-text"], [class*="caption"]')
  );
}

/**
 * Captions and credits of figures. A credit inside a caption is read once, as the credit: it is
 * left out of that caption's text, and of any later caption that holds the same element.
 */
function readFigureCaptions(document: HtmlDocument): ParsedImage[] {
  const images: ParsedImage[] = [];
  const creditsInCaptions: HtmlElement[] = [];
  const unread = (element: HtmlElement) => !creditsInCaptions.some((credit) => credit.contains(element));
  for (const figure of document.querySelectorAll(FIGURE_SELECTOR)) {
    const captionElement = captionElementOf(figure);
    if (!captionElement) continue;
    const creditElement =
      [...captionElement.querySelectorAll(CREDIT_SELECTOR)].find(unread) ??
      [...figure.querySelectorAll(CREDIT_SELECTOR)].find(unread);
    const credit =
      text(creditElement?.textContent)?.replace(/^(photo|credit|image|photograph)\s*:\s*/i, '') ?? null;
    if (creditElement && captionElement.contains(creditElement)) creditsInCaptions.push(creditElement);
    const split = splitCredit(text(textLeavingOut(captionElement, creditsInCaptions)) ?? '');
    const caption = split.caption;
    const imageCredit = credit ?? split.credit;
    if (caption !== '' || imageCredit) images.push({ caption, credit: imageCredit, date: null });
  }
  return images;
}

/** An element's text without the text of the given descendants. */
function textLeavingOut(root: HtmlElement, leftOut: HtmlElement[]): string {
  if (!leftOut.some((element) => element !== root && root.contains(element))) return root.textContent ?? '';
  let out = '';
  for (const child of root.childNodes) {
    if (child.nodeType === 3) out += child.textContent ?? '';
    else if (child.nodeType === 1 && !leftOut.includes(child as HtmlElement)) {
      out += textLeavingOut(child as HtmlElement, leftOut);
    }
  }
  return out;
}
