import { chooseAuthors, choosePublishedAt } from './attribution.js';
import { type Block, countWords, isMostlyUnspaced, isSentenceLike, isShortUnpunctuated } from './blocks.js';
import { collectBody } from './body.js';
import { boilerplateKind } from './boilerplate.js';
import { parseBio, parseByline, sameAuthor } from './byline.js';
import { parseCaptionLine } from './captions.js';
import { droppedLeadLines, headlineOfCopiedPage } from './copied-headline.js';
import type { Hint, Item, Role, Structure, StructureHints } from './items.js';
import { findMainRun, type MainRun, stopwordsFor } from './prose.js';
import { normalizeLine } from './recurring.js';
import type { Finding, ParseFields } from './report.js';

/**
 * "Tags: a, b" and its variants (Blogger's "Labels:", "In this article:"); an all-empty list is
 * residue of a scrape that lost the names.
 */
const TAGS_LINE =
  /^(?:tags|tagged|tagged with|topics|filed under|filed in|keywords|labels|in this article)\s*:(.*)$/i;
/** How many blocks after the title may hold the byline, dateline or standfirst. */
const LEADING_ZONE = 6;

function tagNames(list: string): string[] {
  return list
    .split(/[,;|]/)
    .map((name) => name.trim().replace(/^#/, '').trim())
    .filter((name) => name !== '' && name.length <= 60);
}

function isTitleShaped(text: string): boolean {
  // "iTunes …" and "eBay …" may open a title; a trailing ".." or "..." is a cut headline, not a sentence.
  return (
    text.length <= 200 && countWords(text) <= 25 && !/(?<!\.)[.,;:]$/.test(text) && !/^[a-z]{2}/.test(text)
  );
}

function classify(block: Block, inRelatedList: boolean, recurring: ReadonlySet<string> | undefined): Role {
  const text = block.text;
  if (recurring && recurring.size > 0 && recurring.has(normalizeLine(text))) {
    return { kind: 'removed', removed: 'recurring' };
  }
  const tags = TAGS_LINE.exec(text);
  if (tags) {
    const names = tagNames(tags[1] ?? '');
    return names.length > 0 ? { kind: 'tags', names } : { kind: 'removed', removed: 'tags-residue' };
  }
  const caption = parseCaptionLine(text);
  if (caption) return { kind: 'caption', caption };
  const kind = boilerplateKind(text);
  if (kind) return { kind: 'removed', removed: kind };
  // Headlines listed under "Related articles" go with their heading.
  const words = countWords(text);
  // In HTML a listed headline is a link; a footnote or a list of facts under the heading is not.
  const linked = block.linkDensity === undefined || block.linkDensity >= 0.5;
  if (
    inRelatedList &&
    linked &&
    (block.kind === 'item' || words <= 14 || (words <= 20 && !/[.!?]$/.test(text)))
  ) {
    return { kind: 'removed', removed: 'related' };
  }
  return { kind: 'body' };
}

/**
 * Gives every block a role (title, standfirst, byline, caption, tags, bio, boilerplate or body)
 * and assembles the article's structure from those roles. Shared by plain text and HTML.
 */
export function structureBlocks(
  blocks: Block[],
  sourceUrl: string | null,
  hints: StructureHints,
  input: 'html' | 'plain' = 'html',
): Structure {
  // Byline and dateline text read from outside the content comes first, to be read as such.
  const outside: Block[] = (hints.bylineLines ?? []).map((text) => ({ text, kind: 'text' }));
  const items = classifyBlocks([...outside, ...blocks], hints.recurringLines);
  // HTML arrives as the article Readability chose; plain text may be a whole copied page.
  const run = input === 'plain' ? keepMainRun(items) : null;
  const runStart = run?.start ?? 0;
  const title = findTitle(items, hints, run);
  const standfirst = findLeadingLines(items, hints);
  dropLeadResidue(items, runStart);
  markLeadingMenus(items.slice(outside.length));
  markTrailingNavigation(items);
  markClosingBios(items);

  const authors = chooseAuthors(items, hints);
  const publishedAt = choosePublishedAt(items, sourceUrl, hints);
  // Outside text that read as no byline or date ("Jane Roe | 1,209 views | 5") is no story either.
  for (const item of items.slice(0, outside.length)) {
    if (item.role.kind === 'body') item.role = { kind: 'removed', removed: 'other' };
  }
  const { body, images, references } = collectBody(items, hints);
  const tags = collectTags(items, hints);
  // Keys in the order the report has always listed them; a standfirst is only taken when the
  // metadata has no subtitle, so `subtitle` is set once.
  const fields: ParseFields = {
    ...(title && { title: title.rule }),
    ...(standfirst && { subtitle: 'plain:second-block' }),
    ...authors.fields,
    ...publishedAt.fields,
    ...(images.length > 0 && { images: hints.images?.length ? 'html:figcaption' : 'plain:caption-line' }),
    ...(references.length > 0 && { references: 'plain:bracketed-see' }),
    ...(hints.subtitle && { subtitle: hints.subtitle.rule }),
    ...tags.fields,
  };
  return {
    title: title?.value ?? null,
    subtitle: hints.subtitle?.value ?? standfirst?.block.text ?? null,
    authors: authors.value,
    publishedAt: publishedAt.value,
    images,
    references,
    explicitTags: tags.value,
    body,
    removed: items.flatMap((item) =>
      item.role.kind === 'removed' ? [{ kind: item.role.removed, text: item.block.text }] : [],
    ),
    warnings: [...authors.warnings, ...publishedAt.warnings],
    fields,
  };
}

/** Every block with its first role; blocks under a "Related" heading stay related until prose. */
function classifyBlocks(blocks: Block[], recurringLines: ReadonlySet<string> | undefined): Item[] {
  const items: Item[] = [];
  let inRelatedList = false;
  for (const block of blocks) {
    const role = classify(block, inRelatedList, recurringLines);
    if (role.kind === 'removed' && role.removed === 'related') inRelatedList = true;
    else if (role.kind === 'body' && (isSentenceLike(block.text) || block.kind === 'heading'))
      inRelatedList = false;
    items.push({ block, role });
  }
  return items;
}

/** Tags the page or a "Tags:" line names, metadata first. */
function collectTags(items: Item[], hints: StructureHints): Finding<string[]> {
  const tags = [...(hints.tags?.value ?? [])];
  for (const item of items) if (item.role.kind === 'tags') tags.push(...item.role.names);
  let fields: ParseFields = {};
  if (hints.tags && hints.tags.value.length > 0) fields = { tags: hints.tags.rule };
  else if (tags.length > 0) fields = { tags: 'plain:tags-line' };
  return { value: tags, fields, warnings: [] };
}

/** A line that could be a headline: shaped like one, four words or more, and no byline. */
function isHeadlineText(text: string): boolean {
  return (
    isTitleShaped(text) &&
    (countWords(text) >= 4 || (isMostlyUnspaced(text) && text.length >= 8)) &&
    parseByline(text) === null
  );
}

/**
 * The headline of a whole page copied as text (three lines or more of page chrome dropped before
 * the story), with the byline lines among what was dropped around it.
 */
function copiedPageTitle(items: Item[], run: MainRun | null): Hint<string> | null {
  if (!run || items.slice(0, run.start).filter((item) => item.role.kind === 'removed').length < 3)
    return null;
  const copied = headlineOfCopiedPage(items, run.start, stopwordsFor(run.language), isHeadlineText);
  if (!copied) return null;
  copied.role = { kind: 'title' };
  for (const item of droppedLeadLines(items, copied, run.start)) {
    const byline = parseByline(item.block.text);
    if (byline) item.role = { kind: 'byline', byline };
  }
  return { value: copied.block.text, rule: 'plain:copied-headline' };
}

function findTitle(items: Item[], hints: StructureHints, run: MainRun | null): Hint<string> | null {
  if (hints.title) {
    // Letters of any script: `\W` would reduce a Chinese headline and every paragraph to "".
    const letters = (value: string) => value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    const normal = letters(hints.title.value);
    // Pages repeat their headline in the content; drop the copy.
    for (const item of items.slice(0, 4)) {
      if (item.role.kind === 'body' && normal !== '' && letters(item.block.text) === normal) {
        item.role = { kind: 'title' };
      }
    }
    return hints.title;
  }
  const copied = copiedPageTitle(items, run);
  if (copied) return copied;
  // The title is the first block, though a caption or byline line may come before it; where a few
  // menu lines come first, the first block long enough to be a headline.
  const first = items.findIndex((item) => item.role.kind !== 'removed');
  const zone = items.slice(Math.max(0, first), Math.max(0, first) + LEADING_ZONE);
  const headline = zone.find(
    (item) => item.role.kind === 'body' && item.block.kind !== 'item' && isHeadlineText(item.block.text),
  );
  if (zone.length > 4 && headline) {
    headline.role = { kind: 'title' };
    return { value: headline.block.text, rule: 'plain:first-block' };
  }
  for (const item of zone.slice(0, 4)) {
    if (item.role.kind === 'removed' || item.role.kind === 'caption') continue;
    if (item.role.kind !== 'body' || parseByline(item.block.text) !== null) continue;
    if (!isTitleShaped(item.block.text) || item.block.kind === 'item') return null;
    item.role = { kind: 'title' };
    return { value: item.block.text, rule: 'plain:first-block' };
  }
  return null;
}

/**
 * Bylines, datelines and the standfirst sit between the title and the first paragraph; marks
 * them and returns the standfirst, if any.
 */
function findLeadingLines(items: Item[], hints: StructureHints): Item | null {
  const start = items.findIndex((item) => item.role.kind === 'title') + 1;
  // A byline printed above the headline.
  for (const item of items.slice(0, start)) {
    const byline = item.role.kind === 'body' ? parseByline(item.block.text) : null;
    if (byline) item.role = { kind: 'byline', byline };
  }
  let standfirst: Item | null = null;
  let seenProse = false;
  let checked = 0;
  for (let i = start; i < items.length && checked < LEADING_ZONE; i++) {
    const item = items[i] as Item;
    if (item.role.kind !== 'body') continue;
    checked++;
    const byline = parseByline(item.block.text);
    if (byline) {
      item.role = { kind: 'byline', byline };
      continue;
    }
    if (seenProse) continue;
    const text = item.block.text;
    const next = items.slice(i + 1).find((other) => other.role.kind !== 'removed');
    // Some sources leave the lead paragraph unpunctuated too, so "no closing period" alone is not
    // enough: a standfirst is only taken when a byline, dateline or caption follows it.
    const followedByMeta =
      next !== undefined && (next.role.kind === 'caption' || parseByline(next.block.text) !== null);
    if (
      !hints.subtitle &&
      checked === 1 &&
      followedByMeta &&
      countWords(text) >= 4 &&
      countWords(text) <= 40 &&
      !/[.:?!]$/.test(text) &&
      item.block.kind !== 'item'
    ) {
      item.role = { kind: 'subtitle' };
      standfirst = item;
      continue;
    }
    if (isSentenceLike(text)) seenProse = true;
  }
  return standfirst;
}

/**
 * Plain text may be a whole page copied as text: menus, teasers, comments and footers around the
 * story. The paragraph classifier finds the main run of prose; blocks before the few lines that
 * lead into it (headline, byline, standfirst) and after it (closing bio, appeal, tags) are dropped,
 * as are non-prose blocks inside it that are not subheadings.
 */
function keepMainRun(items: Item[]): MainRun | null {
  const run = findMainRun(items.map((item) => item.block));
  if (!run) return null;
  let lead = run.start;
  for (let seen = 0; lead > 0 && seen < LEADING_ZONE; lead--) {
    if ((items[lead - 1] as Item).role.kind !== 'removed') seen++;
  }
  let tail = run.end;
  // A closing bio or sign-off may follow the last paragraph.
  for (let i = run.end + 1, seen = 0; i < items.length && seen < 2; i++) {
    const item = items[i] as Item;
    if (item.role.kind === 'removed') continue;
    seen++;
    if (item.role.kind === 'body' && parseBio(item.block.text)) tail = i;
  }
  // A closing list of fixtures or figures ending the text belongs to the story.
  const after = items.slice(tail + 1).filter((item) => item.role.kind === 'body');
  if (after.every((item) => isShortUnpunctuated(item.block.text, 8) && !isNavigationLine(item.block.text))) {
    tail = items.length - 1;
  }
  for (const [index, item] of items.entries()) {
    if (item.role.kind !== 'body') continue;
    const text = item.block.text;
    if (index < lead) item.role = { kind: 'removed', removed: 'navigation' };
    else if (index > tail) {
      item.role = { kind: 'removed', removed: isShortUnpunctuated(text, 8) ? 'navigation' : 'other' };
    } else if (index >= run.start && index <= run.end && !run.body[index] && !isSentenceLike(text)) {
      item.role = { kind: 'removed', removed: 'other' };
    }
  }
  return run;
}

/**
 * Lines left over in front of the main run once the headline, byline and standfirst are taken
 * (the last menu entries, a section name, "Share") are page chrome, unless they read as prose.
 */
function dropLeadResidue(items: Item[], runStart: number): void {
  const title = items.findIndex((item) => item.role.kind === 'title');
  for (const [index, item] of items.slice(0, runStart).entries()) {
    const text = item.block.text;
    // An unpunctuated lead paragraph after the headline is still the story's first paragraph.
    const lead = index > title && countWords(text) >= 8;
    if (item.role.kind === 'body' && !isSentenceLike(text) && !lead) {
      item.role = { kind: 'removed', removed: 'navigation' };
    }
  }
}

/**
 * A topic or menu link: a few words, no sentence punctuation, no figures, no "A v B" (tables and
 * sports fixture lists end articles with short lines too).
 */
function isNavigationLine(text: string): boolean {
  return isShortUnpunctuated(text, 5) && !/[\d()]/.test(text) && !/\sv(s\.?)?\s/.test(text);
}

/**
 * Three or more short links in a row before the story's first sentence are a site menu that the
 * extractor took in with the story. Only links: a short list that is not linked (ingredients, a
 * table of contents in plain text) may open an article.
 */
function markLeadingMenus(items: Item[]): void {
  let run: Item[] = [];
  const close = () => {
    if (run.length >= 3) for (const item of run) item.role = { kind: 'removed', removed: 'navigation' };
    run = [];
  };
  for (const item of items) {
    if (item.role.kind !== 'body') continue;
    const { text, linkDensity } = item.block;
    if (isSentenceLike(text)) break;
    if (linkDensity !== undefined && linkDensity >= 0.5 && countWords(text) <= 5 && text.length <= 60)
      run.push(item);
    else close();
  }
  close();
}

/** Three or more short unpunctuated lines closing the text are site navigation or topic links. */
function markTrailingNavigation(items: Item[]): void {
  const run: Item[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (item.role.kind === 'removed' || item.role.kind === 'tags') continue;
    if (item.role.kind !== 'body' || !isNavigationLine(item.block.text)) break;
    run.push(item);
  }
  if (run.length >= 3) for (const item of run) item.role = { kind: 'removed', removed: 'navigation' };
}

/** Closing "NAME is a ROLE at ORG" blocks, read from the end past boilerplate. */
function markClosingBios(items: Item[]): void {
  const bodyText = items
    .filter((item) => item.role.kind === 'body')
    .map((item) => item.block.text)
    .join('\n');
  const bylineNames = items.flatMap((item) => (item.role.kind === 'byline' ? item.role.byline.authors : []));
  let inspected = 0;
  for (let i = items.length - 1; i >= 0 && inspected < 3; i--) {
    const item = items[i] as Item;
    if (item.role.kind !== 'body') continue;
    inspected++;
    const bio = parseBio(item.block.text);
    if (!bio) break;
    const earlierText = bodyText.replace(item.block.text, '');
    // A person the story is about is named earlier; an author's bio is the only mention.
    const notInStory = bio.names.every((name) => !earlierText.includes(name.split(' ').pop() ?? name));
    const matchesByline = bio.names.some((name) => bylineNames.some((author) => sameAuthor(author, name)));
    if (!notInStory && !matchesByline) break;
    item.role = { kind: 'bio', bio };
  }
}
