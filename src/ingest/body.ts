import { isSentenceLike, isShortUnpunctuated } from './blocks.js';
import type { BodyItem, Item, StructureHints } from './items.js';
import type { ParsedImage } from './types.js';

const REFERENCE =
  /(?<!\s)\s*\[((?:see|read|related|also see|see also|more|background|listen|watch|editor['’]s note)\b[^[\]]{2,400})\]/gi;

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

/** A paragraph less its "[See … report, …]" notes, and the notes. */
function cutReferences(text: string): { text: string; references: string[] } {
  const references: string[] = [];
  const cut = text.replace(REFERENCE, (_, inner: string) => {
    references.push(inner.trim());
    return '';
  });
  return { text: cut === text ? text : cut.replace(/(?<!\s)\s+([.,;:!?])/g, '$1').trim(), references };
}

/** Body paragraphs, headings and images in order, with references cut out. */
export function collectBody(items: Item[], hints: StructureHints) {
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
    const { text, references: notes } = item.block.text.includes('[')
      ? cutReferences(item.block.text)
      : { text: item.block.text, references: [] };
    references.push(...notes);
    if (text === '') continue;
    body.push({
      kind: item.block.kind === 'heading' || isPlainSubheading(items, index) ? 'heading' : 'paragraph',
      text,
    });
  }
  return { body, images, references };
}
