import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../lib/escape-html.js';
import type { BodyItem } from './items.js';

// We generate every tag ourselves from escaped text, so the sanitizer should never change
// anything; it is there in case a later change lets markup through.
const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'h2', 'figure', 'figcaption', 'small'],
  allowedAttributes: {},
  disallowedTagsMode: 'escape',
};

export function renderBodyHtml(body: BodyItem[]): string {
  const html = body
    .map((item) => {
      if (item.kind === 'heading') return `<h2>${escapeHtml(item.text)}</h2>`;
      if (item.kind === 'paragraph') return `<p>${escapeHtml(item.text)}</p>`;
      const credit = item.image?.credit ? ` <small>${escapeHtml(item.image.credit)}</small>` : '';
      return `<figure><figcaption>${escapeHtml(item.text)}${credit}</figcaption></figure>`;
    })
    .join('\n');
  return sanitizeHtml(html, ALLOWED);
}

const EXCERPT_LENGTH = 300;

/** The opening paragraphs cut to ~300 characters at a word boundary, with an ellipsis when cut. */
export function makeExcerpt(paragraphs: string[]): string {
  let text = '';
  for (const paragraph of paragraphs) {
    text = text === '' ? paragraph : `${text} ${paragraph}`;
    if (text.length >= EXCERPT_LENGTH / 2) break;
  }
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  const boundary = cut.lastIndexOf(' ');
  return `${(boundary > EXCERPT_LENGTH / 2 ? cut.slice(0, boundary) : cut).replace(/(?<![\s,;:.–—-])[\s,;:.–—-]+$/, '')}…`;
}
