import { type Block, countWords, isSentenceLike, isShortUnpunctuated } from './blocks.js';
import { type BoilerplateKind, boilerplateKind } from './boilerplate.js';
import { type Bio, type Byline, parseBio, parseByline, sameAuthor } from './byline.js';
import { type Caption, parseCaptionLine } from './captions.js';
import { type DateResult, dateFromUrl } from './dates.js';
import type { ParsedAuthor, ParsedImage, RemovedBlock } from './types.js';

/** A value some earlier stage (HTML metadata) already found, with the rule that found it. */
export interface Hint<T> {
  value: T;
  rule: string;
}

export interface StructureHints {
  title?: Hint<string>;
  subtitle?: Hint<string>;
  authors?: Hint<ParsedAuthor[]>;
  publishedAt?: Hint<string>;
  tags?: Hint<string[]>;
  images?: ParsedImage[];
  /** Byline or dateline text found outside the main content, read with the same byline rules. */
  bylineLines?: string[];
}

export interface BodyItem {
  kind: 'paragraph' | 'heading' | 'image';
  text: string;
  image?: ParsedImage;
}

export interface Structure {
  title: string | null;
  subtitle: string | null;
  authors: ParsedAuthor[];
  publishedAt: string | null;
  images: ParsedImage[];
  references: string[];
  explicitTags: string[];
  body: BodyItem[];
  removed: RemovedBlock[];
  warnings: string[];
  fields: Record<string, string>;
}

type Role =
  | { kind: 'body' }
  | { kind: 'title' }
  | { kind: 'subtitle' }
  | { kind: 'byline'; byline: Byline }
  | { kind: 'caption'; caption: Caption }
  | { kind: 'tags'; names: string[] }
  | { kind: 'bio'; bio: Bio }
  | { kind: 'removed'; removed: BoilerplateKind };

interface Item {
  block: Block;
  role: Role;
}

const TAGS_LINE = /^(?:tags|tagged|tagged with|topics|filed under|filed in|keywords)\s*:\s*(.*)$/i;
const REFERENCE =
  /\s*\[((?:see|read|related|also see|see also|more|background|listen|watch|editor['’]s note)\b[^[\]]{2,400})\]/gi;
/** How many blocks after the title may hold the byline, dateline or standfirst. */
const LEADING_ZONE = 6;

function tagNames(list: string): string[] {
  return list
    .split(/\s*[,;|]\s*/)
    .map((name) => name.replace(/^#/, '').trim())
    .filter((name) => name !== '' && name.length <= 60);
}

function isTitleShaped(text: string): boolean {
  // "iTunes …" and "eBay …" may open a title; a trailing ".." or "..." is a cut headline, not a sentence.
  return (
    text.length <= 200 && countWords(text) <= 25 && !/(?<!\.)[.,;:]$/.test(text) && !/^[a-z]{2}/.test(text)
  );
}

function classify(block: Block, inRelatedList: boolean): Role {
  const text = block.text;
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
  if (inRelatedList && (block.kind === 'item' || words <= 14 || (words <= 20 && !/[.!?]$/.test(text)))) {
    return { kind: 'removed', removed: 'related' };
  }
  return { kind: 'body' };
}

export function structureBlocks(blocks: Block[], sourceUrl: string | null, hints: StructureHints): Structure {
  const warnings: string[] = [];
  const fields: Record<string, string> = {};
  const items: Item[] = [];
  let inRelatedList = false;
  const bylineBlocks: Block[] = (hints.bylineLines ?? []).map((text) => ({ text, kind: 'text' }));
  for (const block of [...bylineBlocks, ...blocks]) {
    const role = classify(block, inRelatedList);
    if (role.kind === 'removed' && role.removed === 'related') inRelatedList = true;
    else if (role.kind === 'body' && isSentenceLike(block.text)) inRelatedList = false;
    items.push({ block, role });
  }

  const title = findTitle(items, hints, fields);
  findLeadingLines(items, hints, fields);
  markTrailingNavigation(items);
  markClosingBios(items);

  const authors = chooseAuthors(items, hints, fields, warnings);
  const publishedAt = choosePublishedAt(items, sourceUrl, hints, fields, warnings);
  const { body, images, references } = collectBody(items, hints);
  if (images.length > 0) fields.images ??= hints.images?.length ? 'html:figcaption' : 'plain:caption-line';
  if (references.length > 0) fields.references = 'plain:bracketed-see';

  const subtitleItem = items.find((item) => item.role.kind === 'subtitle');
  const subtitle = hints.subtitle?.value ?? subtitleItem?.block.text ?? null;
  if (hints.subtitle) fields.subtitle = hints.subtitle.rule;
  else if (subtitleItem) fields.subtitle = 'plain:second-block';

  const explicitTags = [...(hints.tags?.value ?? [])];
  for (const item of items) if (item.role.kind === 'tags') explicitTags.push(...item.role.names);
  if (hints.tags && hints.tags.value.length > 0) fields.tags = hints.tags.rule;
  else if (explicitTags.length > 0) fields.tags = 'plain:tags-line';

  const removed = items.flatMap((item) =>
    item.role.kind === 'removed' ? [{ kind: item.role.removed, text: item.block.text }] : [],
  );
  return {
    title,
    subtitle,
    authors,
    publishedAt,
    images,
    references,
    explicitTags,
    body,
    removed,
    warnings,
    fields,
  };
}

function findTitle(items: Item[], hints: StructureHints, fields: Record<string, string>): string | null {
  if (hints.title) {
    fields.title = hints.title.rule;
    const normal = hints.title.value.toLowerCase().replace(/\W+/g, '');
    // Pages repeat their headline in the content; drop the copy.
    for (const item of items.slice(0, 4)) {
      if (item.role.kind === 'body' && item.block.text.toLowerCase().replace(/\W+/g, '') === normal) {
        item.role = { kind: 'title' };
      }
    }
    return hints.title.value;
  }
  // The title is the first block, though a caption or byline line may come before it.
  for (const item of items.slice(0, 4)) {
    if (item.role.kind === 'removed' || item.role.kind === 'caption') continue;
    if (item.role.kind !== 'body' || parseByline(item.block.text) !== null) continue;
    if (!isTitleShaped(item.block.text) || item.block.kind === 'item') return null;
    item.role = { kind: 'title' };
    fields.title = 'plain:first-block';
    return item.block.text;
  }
  return null;
}

/** Bylines, datelines and the standfirst sit between the title and the first paragraph. */
function findLeadingLines(items: Item[], hints: StructureHints, fields: Record<string, string>): void {
  const start = items.findIndex((item) => item.role.kind === 'title') + 1;
  // A byline printed above the headline.
  for (const item of items.slice(0, start)) {
    const byline = item.role.kind === 'body' ? parseByline(item.block.text) : null;
    if (byline) item.role = { kind: 'byline', byline };
  }
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
      fields.subtitle = 'plain:second-block';
      continue;
    }
    if (isSentenceLike(text)) seenProse = true;
  }
}

/**
 * A topic or menu link: a few words, no sentence punctuation, no figures, no "A v B" (tables and
 * sports fixture lists end articles with short lines too).
 */
function isNavigationLine(text: string): boolean {
  return isShortUnpunctuated(text, 5) && !/[\d()]/.test(text) && !/\sv(s\.?)?\s/.test(text);
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

function chooseAuthors(
  items: Item[],
  hints: StructureHints,
  fields: Record<string, string>,
  warnings: string[],
): ParsedAuthor[] {
  const bios = items.flatMap((item) => (item.role.kind === 'bio' ? [item.role.bio] : []));
  let bioFromText = false;
  const bioFor = (name: string) => {
    const bio =
      bios.find((candidate) => candidate.names.some((other) => sameAuthor(other, name)))?.text ?? null;
    if (bio) bioFromText = true;
    return bio;
  };
  let authors: ParsedAuthor[] = [];
  if (hints.authors && hints.authors.value.length > 0) {
    authors = hints.authors.value.map((author) => ({
      name: author.name,
      bio: author.bio ?? bioFor(author.name),
    }));
    fields.authors = hints.authors.rule;
  } else {
    const names = items.flatMap((item) => (item.role.kind === 'byline' ? item.role.byline.authors : []));
    if (names.length > 0) {
      authors = [...new Set(names)].map((name) => ({ name, bio: bioFor(name) }));
      fields.authors = 'plain:byline';
    } else if (bios.length > 0) {
      authors = bios.flatMap((bio) => bio.names.map((name) => ({ name, bio: bio.text })));
      fields.authors = 'plain:closing-bio';
    }
  }
  if (bioFromText) fields.authorBio = 'plain:closing-bio';
  else if (authors.some((author) => author.bio !== null) && fields.authors !== 'plain:closing-bio') {
    fields.authorBio = fields.authors ?? 'unknown';
  }
  if (authors.length === 0) warnings.push('no author found');
  return authors;
}

function choosePublishedAt(
  items: Item[],
  sourceUrl: string | null,
  hints: StructureHints,
  fields: Record<string, string>,
  warnings: string[],
): string | null {
  const candidates: Array<{ date: DateResult; rule: string }> = [];
  for (const item of items) {
    if (item.role.kind === 'byline' && item.role.byline.date) {
      const rule = item.role.byline.authors.length > 0 ? 'plain:byline' : 'plain:date-line';
      candidates.push({ date: item.role.byline.date, rule });
    }
  }
  const fromUrl = dateFromUrl(sourceUrl);
  if (fromUrl) candidates.push({ date: { iso: fromUrl, matched: sourceUrl ?? '' }, rule: 'source-url' });
  for (const item of items) {
    if (item.role.kind === 'caption' && item.role.caption.date) {
      const date = item.role.caption.date;
      candidates.push({
        date: 'iso' in date ? { ...date, iso: `${date.iso}T00:00:00.000Z` } : date,
        rule: 'caption-prefix',
      });
    }
  }
  for (const { date } of candidates)
    if ('ambiguous' in date) warnings.push(`date ambiguous: ${date.ambiguous}`);
  if (hints.publishedAt) {
    fields.publishedAt = hints.publishedAt.rule;
    return hints.publishedAt.value;
  }
  const chosen = candidates.find((candidate) => 'iso' in candidate.date);
  if (chosen && 'iso' in chosen.date) {
    fields.publishedAt = chosen.rule;
    return chosen.date.iso;
  }
  warnings.push('no publication date found');
  return null;
}

/** A short capitalised line with no closing punctuation between two paragraphs of prose. */
function isPlainSubheading(items: Item[], index: number): boolean {
  const item = items[index] as Item;
  if (
    item.block.kind !== 'text' ||
    !/^\p{Lu}/u.test(item.block.text) ||
    !isShortUnpunctuated(item.block.text, 10)
  ) {
    return false;
  }
  const neighbour = (step: number) => {
    for (let i = index + step; i >= 0 && i < items.length; i += step) {
      const other = items[i] as Item;
      if (other.role.kind === 'body') return other;
      if (other.role.kind !== 'caption') return undefined;
    }
    return undefined;
  };
  const before = neighbour(-1);
  const after = neighbour(1);
  return (
    before !== undefined &&
    after !== undefined &&
    isSentenceLike(before.block.text) &&
    isSentenceLike(after.block.text)
  );
}

/** Moves "[See … report, …]" notes out of a paragraph into `references`. */
function cutReferences(text: string, references: string[]): string {
  const cut = text.replace(REFERENCE, (_, inner: string) => {
    references.push(inner.trim());
    return '';
  });
  return cut === text ? text : cut.replace(/\s+([.,;:!?])/g, '$1').trim();
}

function collectBody(items: Item[], hints: StructureHints) {
  const body: BodyItem[] = [];
  const images: ParsedImage[] = [...(hints.images ?? [])];
  const references: string[] = [];
  for (const [index, item] of items.entries()) {
    if (item.role.kind === 'caption') {
      const { caption, credit, date } = item.role.caption;
      const previous = images.at(-1);
      // A bare credit line right after a caption belongs to that image.
      if (caption === '' && previous && previous.credit === null && body.at(-1)?.kind === 'image') {
        previous.credit = credit;
        continue;
      }
      const image: ParsedImage = { caption, credit, date: date && 'iso' in date ? date.iso : null };
      images.push(image);
      body.push({ kind: 'image', text: caption, image });
      continue;
    }
    if (item.role.kind !== 'body') continue;
    const text = item.block.text.includes('[') ? cutReferences(item.block.text, references) : item.block.text;
    if (text === '') continue;
    body.push({
      kind: item.block.kind === 'heading' || isPlainSubheading(items, index) ? 'heading' : 'paragraph',
      text,
    });
  }
  return { body, images, references };
}
