import { sameAuthor } from './byline.js';
import { type DateResult, dateFromUrl } from './dates.js';
import type { Item, StructureHints } from './items.js';
import { type FieldRule, type Finding, type ParseFields, parseWarning } from './report.js';
import type { ParsedAuthor } from './types.js';

/** Authors from metadata, bylines or closing bios, each with the bio that names them. */
export function chooseAuthors(items: Item[], hints: StructureHints): Finding<ParsedAuthor[]> {
  const bios = items.flatMap((item) => (item.role.kind === 'bio' ? [item.role.bio] : []));
  let bioFromText = false;
  const bioFor = (name: string) => {
    const bio =
      bios.find((candidate) => candidate.names.some((other) => sameAuthor(other, name)))?.text ?? null;
    if (bio) bioFromText = true;
    return bio;
  };
  let authors: ParsedAuthor[] = [];
  let rule: FieldRule | undefined;
  if (hints.authors && hints.authors.value.length > 0) {
    authors = hints.authors.value.map((author) => ({
      name: author.name,
      bio: author.bio ?? bioFor(author.name),
    }));
    rule = hints.authors.rule;
  } else {
    const names = items.flatMap((item) => (item.role.kind === 'byline' ? item.role.byline.authors : []));
    if (names.length > 0) {
      authors = [...new Set(names)].map((name) => ({ name, bio: bioFor(name) }));
      rule = 'plain:byline';
    } else if (bios.length > 0) {
      authors = bios.flatMap((bio) => bio.names.map((name) => ({ name, bio: bio.text })));
      rule = 'plain:closing-bio';
    }
  }
  const fields: ParseFields = rule ? { authors: rule } : {};
  if (bioFromText) fields.authorBio = 'plain:closing-bio';
  else if (authors.some((author) => author.bio !== null) && rule !== 'plain:closing-bio') {
    fields.authorBio = rule;
  }
  return { value: authors, fields, warnings: authors.length === 0 ? [parseWarning('no-author')] : [] };
}

/** The publication date by precedence: metadata, byline/date line, source URL, caption prefix. */
export function choosePublishedAt(
  items: Item[],
  sourceUrl: string | null,
  hints: StructureHints,
): Finding<string | null> {
  const candidates: Array<{ date: DateResult; rule: FieldRule }> = [];
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
  const warnings = candidates.flatMap(({ date }) =>
    'ambiguous' in date ? [parseWarning('ambiguous-date', date.ambiguous)] : [],
  );
  if (hints.publishedAt) {
    return { value: hints.publishedAt.value, fields: { publishedAt: hints.publishedAt.rule }, warnings };
  }
  const chosen = candidates.find((candidate) => 'iso' in candidate.date);
  if (chosen && 'iso' in chosen.date) {
    return { value: chosen.date.iso, fields: { publishedAt: chosen.rule }, warnings };
  }
  return { value: null, fields: {}, warnings: [...warnings, parseWarning('no-published-date')] };
}
