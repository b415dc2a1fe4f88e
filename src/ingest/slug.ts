/** Letters that NFKD does not split into a base letter plus a combining mark. */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
};

const MAX_LENGTH = 80;

/**
 * A URL-safe slug: lowercase ASCII, diacritics folded, words joined by hyphens, at most 80
 * characters cut at a word boundary. Never empty and never all digits (an all-digit slug would
 * collide with numeric ids in routes), so those get `prefix` in front.
 */
export function slugify(text: string, prefix = 'article'): string {
  const folded = text
    .toLowerCase()
    .replace(/[ßæœøđðþłıħ]/g, (ch) => FOLDS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    // Apostrophes join rather than split: "Baghdadi's" → "baghdadis", not "baghdadi-s".
    .replace(/['’‘`]/g, '');
  let slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|(?<!-)-+$/g, '');
  if (slug.length > MAX_LENGTH) {
    const cut = slug.slice(0, MAX_LENGTH + 1);
    const boundary = cut.lastIndexOf('-');
    slug = boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, MAX_LENGTH);
  }
  if (slug === '') return prefix;
  if (/^[0-9-]+$/.test(slug)) return `${prefix}-${slug}`.slice(0, MAX_LENGTH);
  return slug;
}
