import { countWords, isSentenceLike, splitPlainBlocks } from './blocks.js';
import { contentHashOf, readingTimeMinutes } from './body-fields.js';
import {
  binaryReason,
  binaryReasonOfText,
  charsetFromContentType,
  charsetFromHtmlHead,
  decodeBytes,
  decodePercentEscapes,
  decodeTextEntities,
  normalizeText,
} from './decode.js';
import { deriveTags, detectLanguage } from './derive.js';
import { extractHtml, type HtmlExtraction } from './html.js';
import type { Structure } from './items.js';
import { normalizeLine } from './recurring.js';
import { makeExcerpt, renderBodyHtml } from './render.js';
import { type FieldRule, type Finding, type ParseFields, type ParseWarning, parseWarning } from './report.js';
import { simhash } from './simhash.js';
import { slugify } from './slug.js';
import { structureBlocks } from './structure.js';
import type { ParsedArticle, ParsedTag, ParseOutcome, RawArticle, RemovedBlock } from './types.js';

const MIN_BODY_WORDS = 25;

function isHtml(contentType: string, text: string): boolean {
  if (/html|xml/i.test(contentType)) return true;
  // A JSON request may label a scraped page text/plain; a doctype or <html> root says otherwise.
  return /^\s*(<!doctype html|<(html|head|body|article|main|section|div|p|h1)[\s>])/i.test(
    text.slice(0, 200),
  );
}

type Refusal = Extract<ParseOutcome, { ok: false }>;

function refuse(reason: Refusal['reason'], detail: string): Refusal {
  return { ok: false, reason, detail };
}

/** Raw scraped article (text or HTML, any charset) → structured article, or the reason it is not one. */
export function parseArticle(raw: RawArticle): ParseOutcome {
  const decoded = decodeRaw(raw);
  if ('reason' in decoded) return decoded;
  const { text, charset } = decoded;
  if (text.trim() === '') return refuse('empty', 'The body is empty or only whitespace.');
  const { structure, removed, warnings, bodyRule } = readStructure(text, raw);

  const paragraphs = structure.body.filter((item) => item.kind !== 'image').map((item) => item.text);
  const bodyText = paragraphs.join('\n\n');
  const wordCount = countWords(bodyText);
  const refusal = refuseNonArticle(paragraphs, wordCount);
  if (refusal) return refusal;

  const title = chooseTitle(structure.title, paragraphs);
  const tags = buildTags(title.value, paragraphs, structure.explicitTags);
  const language = detectLanguage(bodyText);
  const fields: ParseFields = {
    decode: charset,
    ...structure.fields,
    body: bodyRule,
    ...title.fields,
    ...(tags.some((tag) => tag.derived) && { derivedTags: 'derived:entities' }),
    ...(language && { language: 'eld' }),
  };
  return {
    ok: true,
    article: assembleArticle(
      { title: title.value, paragraphs, bodyText, wordCount, tags, language },
      structure,
    ),
    warnings: [
      ...decoded.warnings,
      ...warnings,
      ...title.warnings,
      ...(language ? [] : [parseWarning('no-language')]),
      ...structure.warnings,
    ],
    fields,
    removed: [...removed, ...structure.removed],
  };
}

/** The body as text, whatever its charset; binary payloads are refused. */
function decodeRaw(raw: RawArticle): Refusal | { text: string; charset: string; warnings: ParseWarning[] } {
  if (typeof raw.body === 'string') {
    const reason = binaryReasonOfText(raw.body);
    if (reason) return refuse('binary', reason);
    return { text: normalizeText(raw.body), charset: 'utf-16 (given as text)', warnings: [] };
  }
  const bytes = raw.body;
  const hasUtf16Bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const reason = hasUtf16Bom ? null : binaryReason(bytes);
  if (reason) return refuse('binary', reason);
  const contentType = raw.contentType ?? '';
  const declared =
    charsetFromContentType(contentType) ?? (/html/i.test(contentType) ? charsetFromHtmlHead(bytes) : null);
  const decoded = decodeBytes(bytes, declared);
  return {
    text: normalizeText(decoded.text),
    charset: decoded.charset,
    warnings: decoded.warning ? [decoded.warning] : [],
  };
}

interface ReadStructure {
  structure: Structure;
  /** Page chrome stripped before the blocks were structured. */
  removed: RemovedBlock[];
  warnings: ParseWarning[];
  bodyRule: FieldRule;
}

/** The article's structure from its HTML, or from its text when it is plain or its HTML unreadable. */
function readStructure(text: string, raw: RawArticle): ReadStructure {
  const html = isHtml(raw.contentType ?? '', text);
  const recurringLines = raw.recurringLines?.length
    ? new Set(raw.recurringLines.map(normalizeLine))
    : undefined;
  const extraction = html ? tryExtractHtml(text) : null;
  if (extraction && 'blocks' in extraction) {
    const blocks = extraction.blocks.map((block) => ({ ...block, text: decodePercentEscapes(block.text) }));
    return {
      structure: structureBlocks(blocks, raw.sourceUrl ?? null, { ...extraction.hints, recurringLines }),
      removed: extraction.removed,
      warnings: extraction.warnings,
      bodyRule: extraction.bodyRule,
    };
  }
  const plain = html ? text.replace(/<[^<>]*>/g, '\n') : text;
  const blocks = splitPlainBlocks(decodePercentEscapes(decodeTextEntities(plain)));
  return {
    structure: structureBlocks(blocks, raw.sourceUrl ?? null, { recurringLines }, 'plain'),
    removed: [],
    warnings: extraction ? [extraction] : [],
    bodyRule: 'plain:blocks',
  };
}

/** The parser must never throw: a page the DOM library chokes on is read as text instead. */
function tryExtractHtml(text: string): HtmlExtraction | ParseWarning {
  try {
    return extractHtml(text);
  } catch (error) {
    return parseWarning('html-unparsable', (error as Error).message);
  }
}

function refuseNonArticle(paragraphs: string[], wordCount: number): Refusal | null {
  if (wordCount < MIN_BODY_WORDS) {
    return refuse(
      'not-an-article',
      `Only ${wordCount} words of body text are left after removing the title, bylines and boilerplate; an article needs at least ${MIN_BODY_WORDS}.`,
    );
  }
  if (!paragraphs.some(isSentenceLike)) {
    return refuse(
      'not-an-article',
      `None of the ${paragraphs.length} remaining blocks is a paragraph of prose; a list of links or headlines is not an article.`,
    );
  }
  return null;
}

/** The title found, or else the body's first sentence. */
function chooseTitle(found: string | null, paragraphs: string[]): Finding<string> {
  if (found !== null) return { value: found, fields: {}, warnings: [] };
  const sentence =
    (paragraphs[0] ?? '')
      .split(/(?<=[.!?])\s/)[0]
      ?.replace(/[.!?]$/, '')
      .slice(0, 120) ?? '';
  return { value: sentence, fields: { title: 'plain:first-sentence' }, warnings: [parseWarning('no-title')] };
}

/** The parsed article from the body as read and the structure around it, in the order of `ParsedArticle`. */
function assembleArticle(
  body: Pick<ParsedArticle, 'title' | 'paragraphs' | 'bodyText' | 'wordCount' | 'tags' | 'language'>,
  structure: Structure,
): ParsedArticle {
  const { title, paragraphs, bodyText, wordCount, tags, language } = body;
  return {
    title,
    subtitle: structure.subtitle,
    excerpt: makeExcerpt(paragraphs),
    paragraphs,
    bodyText,
    bodyHtml: renderBodyHtml(structure.body),
    images: structure.images,
    authors: structure.authors,
    tags,
    references: structure.references,
    language,
    wordCount,
    readingTimeMinutes: readingTimeMinutes(wordCount),
    publishedAt: structure.publishedAt,
    slug: slugify(title),
    simhash: simhash(bodyText),
    contentHash: contentHashOf(title, bodyText),
  };
}

/** Explicit tags first, then derived ones; duplicates by slug dropped, never an empty name. */
function buildTags(title: string, paragraphs: string[], explicit: string[]): ParsedTag[] {
  const tags: ParsedTag[] = [];
  const seen = new Set<string>();
  for (const name of explicit) {
    const slug = slugify(name, '');
    if (slug === '' || seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ name, derived: false });
  }
  for (const name of deriveTags(title, paragraphs, seen)) {
    const slug = slugify(name, '');
    if (seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ name, derived: true });
  }
  return tags;
}
