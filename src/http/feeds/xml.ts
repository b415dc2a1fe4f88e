import { encode } from 'html-entities';

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and return, lone
 * surrogates, U+FFFE/U+FFFF): escaping cannot save them, so they are dropped rather than break the feed.
 */
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text safe in element content and in double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return encode(text.replace(notXmlChar, ''), { level: 'xml' });
}

export type Attributes = Record<string, string | undefined>;

/**
 * One element with escaped text content (or none), e.g. `element('title', {type: 'text'}, 'A & B')`.
 * Attributes whose value is undefined are left out.
 */
export function element(name: string, attributes: Attributes, text?: string): string {
  const attributeText = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  return text === undefined
    ? `<${name}${attributeText}/>`
    : `<${name}${attributeText}>${escapeXml(text)}</${name}>`;
}

/**
 * An element holding already-rendered children, one per line. Children are not indented: a line
 * break inside text content is part of the text, and indenting it would change the content.
 */
export function parent(name: string, attributes: Attributes, children: string[]): string {
  const open = element(name, attributes).replace(/\/>$/, '>');
  return [open, ...children, `</${name}>`].join('\n');
}

export const xmlDeclaration = '<?xml version="1.0" encoding="utf-8"?>';
