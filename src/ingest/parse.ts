import { sha256 } from '../lib/hash.js';
import { countWords, isSentenceLike, splitPlainBlocks } from './blocks.js';
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
import { simhash } from './simhash.js';
import { slugify } from './slug.js';
import { structureBlocks } from './structure.js';
import type { ParsedTag, ParseOutcome, RawArticle, RemovedBlock } from './types.js';

const MIN_BODY_WORDS = 25;
const WORDS_PER_MINUTE = 230;

function isHtml(contentType: string, text: string): boolean {
  if (/html|xml/i.test(contentType)) return true;
  // A JSON request may label a scraped page text/plain; a doctype or <html> root says otherwise.
  return /^\s*(<!doctype html|<(html|head|body|article|main|section|div|p|h1)[\s>])/i.test(
    text.slice(0, 200),
  );
}

function refuse(reason: 'empty' | 'binary' | 'not-an-article', detail: string): ParseOutcome {
  return { ok: false, reason, detail };
}

/** Raw scraped article (text or HTML, any charset) → structured article, or the reason it is not one. */
export function parseArticle(raw: RawArticle): ParseOutcome {
  const contentType = raw.contentType ?? '';
  let text: string;
  let charset = 'utf-16 (given as text)';
  const decodeWarnings: string[] = [];
  if (typeof raw.body === 'string') {
    const reason = binaryReasonOfText(raw.body);
    if (reason) return refuse('binary', reason);
    text = raw.body;
  } else {
    const bytes = raw.body;
    const hasUtf16Bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    const reason = hasUtf16Bom ? null : binaryReason(bytes);
    if (reason) return refuse('binary', reason);
    const declared =
      charsetFromContentType(contentType) ?? (/html/i.test(contentType) ? charsetFromHtmlHead(bytes) : null);
    const decoded = decodeBytes(bytes, declared);
    text = decoded.text;
    charset = decoded.charset;
    if (decoded.warning) decodeWarnings.push(decoded.warning);
  }
  text = normalizeText(text);
  if (text.trim() === '') return refuse('empty', 'The body is empty or only whitespace.');

  const html = isHtml(contentType, text);
  const warnings: string[] = [...decodeWarnings];
  const removed: RemovedBlock[] = [];
  let structure: Structure;
  const extraction = html ? tryExtractHtml(text, warnings) : null;
  const recurringLines = raw.recurringLines?.length
    ? new Set(raw.recurringLines.map(normalizeLine))
    : undefined;
  if (extraction) {
    warnings.push(...extraction.warnings);
    removed.push(...extraction.removed);
    const blocks = extraction.blocks.map((block) => ({ ...block, text: decodePercentEscapes(block.text) }));
    structure = structureBlocks(blocks, raw.sourceUrl ?? null, { ...extraction.hints, recurringLines });
  } else {
    const plain = html ? text.replace(/<[^<>]*>/g, '\n') : text;
    const blocks = splitPlainBlocks(decodePercentEscapes(decodeTextEntities(plain)));
    structure = structureBlocks(blocks, raw.sourceUrl ?? null, { recurringLines }, 'plain');
  }

  const paragraphs = structure.body.filter((item) => item.kind !== 'image').map((item) => item.text);
  const bodyText = paragraphs.join('\n\n');
  const wordCount = countWords(bodyText);
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

  const fields: Record<string, string> = {
    decode: charset,
    ...structure.fields,
    body: extraction ? extraction.bodyRule : 'plain:blocks',
  };
  let title = structure.title;
  if (title === null) {
    title =
      (paragraphs[0] ?? '')
        .split(/(?<=[.!?])\s/)[0]
        ?.replace(/[.!?]$/, '')
        .slice(0, 120) ?? '';
    fields.title = 'plain:first-sentence';
    warnings.push('no title line found; the first sentence was used as the title');
  }
  const tags = buildTags(title, paragraphs, structure.explicitTags);
  if (tags.some((tag) => tag.derived)) fields.derivedTags = 'derived:entities';
  const language = detectLanguage(bodyText);
  if (language) fields.language = 'eld';
  else warnings.push('language not detected');
  const normalised = `${title}\n${bodyText}`.toLowerCase().replace(/\s+/g, ' ').trim();

  return {
    ok: true,
    article: {
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
      readingTimeMinutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
      publishedAt: structure.publishedAt,
      slug: slugify(title),
      simhash: simhash(bodyText),
      contentHash: sha256(normalised),
    },
    warnings: [...warnings, ...structure.warnings],
    fields,
    removed: [...removed, ...structure.removed],
  };
}

/** The parser must never throw: a page the DOM library chokes on is read as text instead. */
function tryExtractHtml(text: string, warnings: string[]): HtmlExtraction | null {
  try {
    return extractHtml(text);
  } catch (error) {
    warnings.push(
      `the HTML could not be parsed (${(error as Error).message}); its text was read as plain text`,
    );
    return null;
  }
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
