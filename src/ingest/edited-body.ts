import { collapseSpaces, countWords } from './blocks.js';
import { contentHashOf, readingTimeMinutes } from './body-fields.js';
import { normalizeText } from './decode.js';
import { parseDocument } from './dom.js';
import { htmlToBlocks } from './html-blocks.js';
import type { BodyItem } from './items.js';
import { makeExcerpt, renderBodyHtml } from './render.js';
import { simhash } from './simhash.js';

/** The fields an article derives from its title and body, computed as the parser computes them. */
export interface BodyFields {
  bodyText: string;
  bodyHtml: string;
  excerpt: string;
  wordCount: number;
  readingTimeMinutes: number;
  simhash: string;
  contentHash: string;
}

/** An edited body as text: a blank line separates paragraphs; lines inside one are joined. */
export function bodyFromText(text: string): BodyItem[] {
  return normalizeText(text)
    .split(/\n[ \t]*\n/)
    .map((chunk) => collapseSpaces(chunk.split('\n').map(collapseSpaces).join(' ')))
    .filter((paragraph) => paragraph !== '')
    .map((paragraph): BodyItem => ({ kind: 'paragraph', text: paragraph }));
}

/**
 * An edited body as HTML, kept as paragraphs and headings: everything else (attributes, scripts,
 * links, inline markup) goes, and the HTML served is rendered again from the text, as on ingest.
 */
export function bodyFromHtml(html: string): BodyItem[] {
  const document = parseDocument(normalizeText(html));
  const body = document.body;
  if (!body) return [];
  for (const hidden of [...body.querySelectorAll('script, style, template, noscript, iframe, object')]) {
    hidden.remove();
  }
  return htmlToBlocks(body)
    .filter((block) => block.text.trim() !== '')
    .map(
      (block): BodyItem => ({ kind: block.kind === 'heading' ? 'heading' : 'paragraph', text: block.text }),
    );
}

/** The stored body fields of an article with this title and body; `items` must not be empty. */
export function bodyFields(title: string, items: BodyItem[]): BodyFields {
  const paragraphs = items.filter((item) => item.kind !== 'image').map((item) => item.text);
  const bodyText = paragraphs.join('\n\n');
  const wordCount = countWords(bodyText);
  return {
    bodyText,
    bodyHtml: renderBodyHtml(items),
    excerpt: makeExcerpt(paragraphs),
    wordCount,
    readingTimeMinutes: readingTimeMinutes(wordCount),
    simhash: simhash(bodyText),
    contentHash: contentHashOf(title, bodyText),
  };
}

/** The excerpt the parser would make of a stored plain-text body. */
export function excerptOf(bodyText: string): string {
  return makeExcerpt(bodyText.split('\n\n'));
}
