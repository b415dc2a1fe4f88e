import { collapseSpaces, countWords } from './blocks.js';
import { type DateResult, findDate } from './dates.js';
import { BYLINE_NAME_PARTICLES } from './names.js';

export interface Byline {
  authors: string[];
  date: DateResult | null;
}

export interface Bio {
  names: string[];
  text: string;
}

const SUFFIXES = /^(jr\.?|sr\.?|ii|iii|iv|phd|md)$/i;
/** Words that make a byline piece an affiliation or role rather than a person. */
const NOT_A_PERSON =
  /\b(staff|writer|reporter|correspondent|editor|editors|contributor|columnist|desk|team|agency|agencies|reuters|ap|afp|upi|associated press|bloomberg|press|news|media|online|newsroom|bureau|service|wire|times|post|journal|herald|guardian|bbc|cnn|the)\b/i;
/** First words that begin ordinary sentences, never a bio's name ("The Council is a body…"). */
const NOT_A_FIRST_NAME =
  /^(the|this|that|these|those|it|its|our|his|her|their|in|on|at|a|an|mr|mrs|ms|he|she|they|there|here|but|and|if|when|as)$/i;

function isNameToken(token: string): boolean {
  if (BYLINE_NAME_PARTICLES.has(token.toLowerCase()) || SUFFIXES.test(token)) return true;
  // "J.", "O'Neill", "Al-Amin", "MacDonald", also all-caps bylines ("JANE DOE").
  return /^\p{Lu}(\p{L}|['’-]\p{L})*\.?$/u.test(token) || /^\p{Lu}\.(\p{Lu}\.)*$/u.test(token);
}

/** One to five name-shaped words, none of them a role or an agency. */
export function isPersonName(text: string, minTokens = 1): boolean {
  if (text.length > 50 || /\d/.test(text) || NOT_A_PERSON.test(text)) return false;
  const tokens = text.split(/\s+/);
  if (tokens.length < minTokens || tokens.length > 5) return false;
  if (NOT_A_FIRST_NAME.test(tokens[0] ?? '')) return false;
  const capitalised = tokens.filter((token) => /^\p{Lu}/u.test(token)).length;
  return capitalised >= 1 && tokens.every(isNameToken);
}

function tidyName(name: string): string {
  const trimmed = name.replace(/^[\s,;:–—-]+|(?<![\s,;:–—-])[\s,;:–—-]+$/g, '');
  if (trimmed === trimmed.toUpperCase() && /\p{Lu}{2}/u.test(trimmed)) {
    return trimmed
      .toLowerCase()
      .replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
  }
  return trimmed;
}

/** "A", "A and B", "A, B and C", "A, Staff Writer": the people, stopping at the first affiliation. */
export function splitNames(text: string, minTokens = 1): string[] {
  // One space between words first: then no pattern below has two runs of spaces to trade between.
  const oneLine = text.replace(/\s+/g, ' ');
  const withoutFor = oneLine.replace(/ (?:for|of|at|in) [\s\S]*$/i, '');
  const names: string[] = [];
  for (const piece of withoutFor.split(/ ?[,;] ?| (?:and|&|et|y|und|en) /)) {
    const name = tidyName(piece);
    if (name === '') continue;
    if (!isPersonName(name, minTokens)) break;
    names.push(name);
  }
  return names;
}

/** A weekday in full: "Tuesday". */
const FULL_WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';

/** A weekday, in full or short: "Tuesday", "Tue", "Thurs". */
const WEEKDAY = `(?:${FULL_WEEKDAY}|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)`;

/** What may stand beside a date in a date line: a time and its zone, a weekday, a reading time. */
export const DATE_LINE_EXTRAS = new RegExp(
  `\\b\\d{1,2}[:.]\\d{2}(?:\\s*[ap]\\.?m\\b\\.?)?(?:\\s+(?:utc|gmt|[a-z]{1,3}t)\\b)?|\\b${WEEKDAY}\\b\\.?|\\b\\d{1,3}\\s+min(?:ute)?s?\\s+read\\b`,
  'gi',
);

/** "Par", "Por", "Von", "Door": "by" in French, Spanish, German and Dutch. */
const FOREIGN_BY_WORDS = 'par|por|von|door';

/** "Par …", "Por …", "Von …", "Door …": a byline in French, Spanish, German or Dutch opens the line. */
export const FOREIGN_BY = new RegExp(`^\\s*(?:${FOREIGN_BY_WORDS})\\s+(\\S[\\s\\S]*)$`, 'i');

/** "Published" and "updated" in French, Spanish, Portuguese, German, Dutch and Italian. */
const FOREIGN_DATE_WORDS =
  'publie|publicado|actualizado|atualizado|veröffentlicht|aktualisiert|gepubliceerd|bijgewerkt|pubblicato|aggiornato';
/** Labels ending in an accent, after which `\b` finds no word boundary. */
const ACCENTED_DATE_LABELS = '\\b(?:publié|mis à jour)(?=\\s|$)';

/** What may precede a byline's "by" or stand in a date line; weekdays in full only, as "Sat by …" is a title. */
export const DATE_LABELS = new RegExp(
  `\\b(posted|published|written|updated|last updated|first published|last modified|modified|date|on|at|the|filed|${FULL_WEEKDAY}|${FOREIGN_DATE_WORDS}|—|–)\\b|${ACCENTED_DATE_LABELS}|[|•·:,—–/]`,
  'gi',
);

/**
 * Reads a byline or date line: "By A and B", "Posted on DATE by A", "A | DATE", "Published DATE".
 * Returns null for anything else, so callers can try it on every leading block.
 */
export function parseByline(text: string): Byline | null {
  if (text.length > 200 || countWords(text) > 30) return null;
  const date = findDate(text);
  const rest = date ? text.replace(date.matched, ' ') : text;
  const english = /(?:^|[\s|•·,—–-])by\s+(\S[\s\S]*)$/i.exec(rest);
  const by = english ?? FOREIGN_BY.exec(rest);
  // Only labels may precede "by" ("Posted on DATE by A", "Story by A"): "Stand by Me" is a title.
  const beforeBy = by
    ? rest
        .slice(0, by.index)
        .replace(DATE_LABELS, ' ')
        .replace(/\b(story|words|text|reporting)\b/gi, '')
    : '';
  if (by?.[1] && beforeBy.trim() === '') {
    const separator = by[1].search(/[|•·—–]/);
    // "Posted by Jane Doe on DATE": the date is cut out already, its label is left.
    const named = (separator < 0 ? by[1] : by[1].slice(0, separator)).trimEnd();
    const label = /\s(?:on|at)$/i.exec(named);
    const names = label ? named.slice(0, label.index) : named;
    // "Von Miller" may be a person, not a German byline: a foreign label needs full names.
    const authors = splitNames(names, english ? 1 : 2);
    if (authors.length > 0) return { authors, date };
  }
  if (!date) return null;
  // "Dec. 6, 2024 / Updated Dec. 7, 2024": the first date is the publication's.
  const later = findDate(rest);
  const leftover = (later ? rest.replace(later.matched, ' ') : rest)
    .replace(DATE_LINE_EXTRAS, ' ')
    .replace(DATE_LABELS, ' ')
    .trim();
  if (leftover === '') return { authors: [], date };
  // "Jane Doe | April 21, 2016": a name beside a date needs a separator to count as a byline.
  if (/[|•·—–]/.test(text)) {
    const authors = splitNames(leftover, 2);
    if (
      authors.length > 0 &&
      authors.join(' ').length >= leftover.replace(/\band\b|,/g, '').trim().length - 2
    ) {
      return { authors, date };
    }
  }
  return null;
}

const BIO_ROLE =
  /\b(correspondent|reporter|editor|writer|columnist|journalist|fellow|analyst|professor|lecturer|researcher|author|contributor|photographer|economist|historian|scientist|novelist|critic|commentator|producer|presenter|broadcaster|founder|director)s?\b/i;
// One spelling per token ("A." once, not as both a name and an initial), so no input has two parses.
const NAME_TOKEN = "\\p{Lu}[\\p{L}'’-]*\\.?";
const PARTICLE = `(?:${[...BYLINE_NAME_PARTICLES].join('|')})`;
const NAME = `${NAME_TOKEN}(?:\\s+(?:${PARTICLE}\\s+)?${NAME_TOKEN}){1,3}`;
export const BIO = new RegExp(
  `^(?:about the authors?:?\\s*|[—–*-]+\\s*)?(${NAME}(?:(?:,\\s*|\\s+(?:and|&)\\s+)${NAME})*)(?:,\\s[^,]{1,60},)?\\s+(is|was|are|were|has been|serves as|covers|writes|reports)\\s+(\\S.*)$`,
  'u',
);

/**
 * A closing "NAME is/was a ROLE at/for/with ORG…" block. The caller decides whether it really is
 * the author's bio (position at the end, name not a subject of the story, or matching a byline).
 */
export function parseBio(text: string): Bio | null {
  if (countWords(text) > 90 || text.length > 700) return null;
  const match = BIO.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  // A bio is one or two sentences describing a job: "a Senior Fellow at X", "technology
  // correspondent for Y". A story's closing line about a person ("is another player on the
  // sidelines") names no such role.
  if ((text.match(/[.!?](\s|$)/g) ?? []).length > 2) return null;
  const predicate = match[3];
  const reportingVerb = /^(covers|writes|reports)$/.test(match[2]);
  const roleAtOrganisation =
    /^(?:also |currently |now |formerly )?(?:a|an|the)\b[^.]{0,80}?\b(?:at|for|with|of)\s+(?:the\s+)?\p{Lu}/u;
  if (!reportingVerb && !BIO_ROLE.test(predicate) && !roleAtOrganisation.test(predicate)) return null;
  const names = splitNames(match[1], 2);
  if (names.length === 0) return null;
  return { names, text };
}

/** Loose match used to attach a bio to a byline name: same full name, or same surname. */
export function sameAuthor(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\s]/gu, '')
      .trim();
  const [x, y] = [norm(a), norm(b)];
  if (x === y) return true;
  const lastX = x.split(/\s+/).pop();
  const lastY = y.split(/\s+/).pop();
  return lastX !== undefined && lastX === lastY && (x.startsWith(y[0] ?? '') || y.startsWith(x[0] ?? ''));
}

/** A weekday written in full ("Sunday"): "Sun" alone may be a name. */
export const WEEKDAY_NAME = new RegExp(`^${FULL_WEEKDAY}$`, 'i');
/**
 * "Written by", "Par", "Von": the label before a byline's names, in the languages we meet. Italian
 * "di" and Scandinavian "av" and "af" count only here, in an element known to be a byline: at the
 * start of a line of text they open ordinary sentences.
 */
export const BYLINE_LABEL = new RegExp(
  `^(?:(?:written|posted|story|words|text|reporting)\\s+by|by|${FOREIGN_BY_WORDS}|di|av|af)\\s+`,
  'i',
);

/**
 * The people a page's byline element names: "By A", "Written by A Edited by B", "Par A (avec B)",
 * "By A March 25, 2015", and "by A22 Dec 2016" where the page glued a date or a comment count
 * to the name.
 */
export function bylineNames(byline: string): string[] {
  // "Written by A Edited by B": the writer, not the editor or the photographer.
  const line = collapseSpaces(byline.replace(/\s+/g, ' ')).split(
    /\s(?:edited|photos?|photographs|illustrations?|graphics|additional reporting) by\s/i,
  )[0] as string;
  const aside = line.search(/[([]/);
  const head = (aside === -1 ? line : line.slice(0, aside)).replace(BYLINE_LABEL, '');
  const parsed = parseByline(`By ${head}`);
  // Names hold no digits: what starts at the first one is a date, a time or a count.
  const digit = head.search(/\d/);
  const names =
    parsed && parsed.authors.length > 0
      ? parsed.authors
      : splitNames(digit < 0 ? head : head.slice(0, digit));
  // What is left of "Sunday, 12 April" once the date is read is no person.
  return names.filter((name) => !WEEKDAY_NAME.test(name));
}
