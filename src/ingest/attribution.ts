import { sameAuthor } from './byline.js';
import { type DateResult, dateFromUrl } from './dates.js';
import type { Item, StructureHints } from './items.js';
import type { ParsedAuthor } from './types.js';

/** Authors from metadata, bylines or closing bios, each with the bio that names them. */
export function chooseAuthors(
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

/** The publication date by precedence: metadata, byline/date line, source URL, caption prefix. */
export function choosePublishedAt(
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
