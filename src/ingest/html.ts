import { Readability } from '@mozilla/readability';
import { type Block, countWords, splitPlainBlocks } from './blocks.js';
import { bylineNames, isPersonName } from './byline.js';
import type { DomDocument as HtmlDocument, DomElement as HtmlElement } from './dom.js';
import { htmlToBlocks } from './html-blocks.js';
import { jsonLdArticleBody, readHtmlMetadata } from './html-metadata.js';
import type { Hint, StructureHints } from './items.js';
import { cleanPage, preparePage, stripChrome } from './page-cleanup.js';
import { findMainRun, type ProseBlock } from './prose.js';
import { type FieldRule, type ParseWarning, parseWarning } from './report.js';
import type { ParsedAuthor, RemovedBlock } from './types.js';

type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

export interface HtmlExtraction {
  blocks: Block[];
  hints: StructureHints;
  warnings: ParseWarning[];
  /** Page chrome stripped before extraction, for the ingest report. */
  removed: RemovedBlock[];
  /** Which evidence the body came from (`html:readability`, `html:json-ld-body`, `html:prose-run`). */
  bodyRule: FieldRule;
}

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
  rule: FieldRule;
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
 * HTML → blocks plus metadata hints. Metadata and figure captions are read from the page as
 * parsed; then it is cleaned of figures and chrome, and the body is chosen among Readability's
 * candidate, the page's JSON-LD `articleBody` and the paragraph classifier's main run of prose.
 */
export function extractHtml(html: string): HtmlExtraction {
  const { document, warnings } = preparePage(html);
  const metadata = readHtmlMetadata(document);
  const articleBody = jsonLdArticleBody(document);
  const removed = cleanPage(document);
  const readability =
    escapedCharacters(document) > MAX_ESCAPED_CHARACTERS ? NO_READABILITY : readabilityArticle(document);
  const chosen = chooseBody(
    readability.root ? { rule: 'html:readability', blocks: htmlToBlocks(readability.root) } : null,
    articleBody ? { rule: 'html:json-ld-body', blocks: splitPlainBlocks(articleBody) } : null,
    () => mainProseRun(html),
  );
  const authors = bylineAuthors(metadata.authors, readability.byline);
  return {
    blocks: chosen?.blocks ?? [],
    hints: authors ? { ...metadata, authors } : metadata,
    warnings: chosen ? warnings : [...warnings, parseWarning('no-body-in-page')],
    removed,
    bodyRule: chosen?.rule ?? 'html:none',
  };
}

/**
 * Readability rebuilds the page from its own HTML between attempts, where every `<`, `>`, `&` and
 * no-break space of the text is written as a character reference; linkedom gives each reference a
 * text node of its own. A page of 60,000 stray `<` spent two seconds in Readability alone, so a page
 * with more than this many is read by the other candidates. Real pages hold a few hundred at most
 * (`npm run bench:quality` reports the most on its 125 real pages, cleaned as here: 202).
 */
export const MAX_ESCAPED_CHARACTERS = 10_000;

/** How many characters of the page's text Readability's restores would write as references. */
export function escapedCharacters(document: HtmlDocument): number {
  return document.body?.textContent?.match(/[<>&\u00a0]/g)?.length ?? 0;
}

const NO_READABILITY = { root: null, byline: null };

/**
 * Readability's article root and byline; it rearranges the document it is given. linkedom's
 * document has no documentURI/baseURI, which readability only uses to absolutise links (it keeps
 * the original href when that fails); we never keep links, so that is harmless.
 */
function readabilityArticle(document: HtmlDocument): { root: HtmlElement | null; byline: string | null } {
  try {
    const result = new Readability(document as unknown as ReadabilityDocument, {
      serializer: (element) => element as unknown as string,
    }).parse();
    return {
      root: (result?.content as unknown as HtmlElement | undefined) ?? null,
      byline: result?.byline ?? null,
    };
  } catch {
    return { root: null, byline: null };
  }
}

/** The paragraph classifier's main run of prose over the whole page, chrome stripped. */
function mainProseRun(html: string): Candidate | null {
  // Readability has rearranged the first document; the rare page that needs this reads its own.
  // Its figures stay: only chrome is stripped here.
  const { document } = preparePage(html);
  stripChrome(document);
  const pageBlocks = document.body ? htmlToBlocks(document.body) : [];
  const run = findMainRun(pageBlocks);
  return run ? { rule: 'html:prose-run', blocks: pageBlocks.filter((_, index) => run.body[index]) } : null;
}

/**
 * Readability's byline is read from the article itself, which makes it better evidence than
 * rel="author" links anywhere in the page (teasers for other stories carry them too): the authors
 * it names, when they should replace the metadata's.
 */
function bylineAuthors(
  metadata: Hint<ParsedAuthor[]> | undefined,
  byline: string | null,
): Hint<ParsedAuthor[]> | null {
  if (!byline) return null;
  // A metadata author that names no person (a user handle, "CC7567") is weaker than a byline that does.
  const weakMetadata =
    !metadata ||
    metadata.rule === 'html:rel-author' ||
    !metadata.value.some((author) => isPersonName(author.name));
  if (!weakMetadata) return null;
  const names = bylineNames(byline);
  return names.length > 0 ? { value: names.map((name) => ({ name, bio: null })), rule: 'html:byline' } : null;
}
