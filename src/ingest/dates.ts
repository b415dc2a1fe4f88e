/** A date found in the text: either a timestamp, or the reason no timestamp can be trusted. */
export type DateResult = { iso: string; matched: string } | { ambiguous: string; matched: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Month names in the other languages Gazette reads bylines in (French, Spanish, Portuguese,
 * Italian, German, Dutch), with their common abbreviations; all of them write the day first.
 * English spellings they share (April, August, September) are read by the English patterns.
 */
const FOREIGN_MONTHS: Record<string, number> = Object.fromEntries(
  [
    'janvier janv enero janeiro gennaio januar jänner januari',
    'février févr fevrier fevr febrero fevereiro febbraio februar februari',
    'mars marzo março marco märz maerz maart',
    'avril avr abril aprile',
    'mai mayo maio maggio mei',
    'juin junio junho giugno juni',
    'juillet juil julio julho luglio juli',
    'août aout agosto augustus',
    'septembre sept septiembre setiembre setembro settembre',
    'octobre oct octubre outubro ottobre oktober',
    'novembre noviembre novembro',
    'décembre déc decembre diciembre dezembro dicembre dezember',
  ].flatMap((names, index) => names.split(' ').map((name) => [name, index + 1])),
);

/** Offsets of the zone abbreviations news sites print; anything else is read as UTC. */
const ZONES: Record<string, number> = {
  utc: 0,
  gmt: 0,
  z: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  ist: 330,
  jst: 540,
  aest: 600,
};

const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(\\d{4})';
const TIME =
  '(?:[,\\s]+(?:at\\s+)?(\\d{1,2})[:.](\\d{2})(?::(\\d{2}))?(?:\\s*([ap]\\.?m\\.?))?(?:\\s*\\(?([a-z]{1,4}\\b|[+-]\\d{2}:?\\d{2})\\)?)?)?';

const ISO_DATE =
  /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?/i;
export const MONTH_FIRST = new RegExp(`\\b${MONTH}\\s+${DAY},?\\s+${YEAR}${TIME}`, 'i');
export const DAY_FIRST = new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH},?\\s+${YEAR}${TIME}`, 'i');
/**
 * "28 février 2019 à 18h46", "3 de mayo de 2021", "12. März 2020, 14:30 Uhr", "1er mars 2019",
 * with the "on" before it ("le", "el", "em", "am", "op", "il"): a date line's words, which only
 * count right before a date ("Thuy Le" is a name). A month name is a whole word: the lookahead
 * stands in for `\b`, which ends at an accent.
 */
export const FOREIGN_DAY_FIRST = new RegExp(
  `(?:\\b(?:le|el|em|am|op|il)\\s+)?\\b(\\d{1,2})(?:\\.|er|º)?\\s+(?:de\\s+)?(${Object.keys(FOREIGN_MONTHS).join('|')})\\.?(?![\\p{L}])` +
    `,?\\s+(?:de\\s+)?(\\d{4})\\b(?:[,\\s]+(?:(?:à|a las|às|alle|um|om)\\s+)?(\\d{1,2})[:h.](\\d{2})\\b(?:\\s*uhr\\b)?)?`,
  'iu',
);
export const NUMERIC = new RegExp(`\\b(\\d{1,2})([/.])(\\d{1,2})\\2(\\d{4})\\b${TIME}`, 'i');

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day;
}

function zoneOffset(zone: string | undefined): number {
  if (!zone) return 0;
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (offset) return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  return ZONES[zone.toLowerCase()] ?? 0;
}

function toIso(
  year: number,
  month: number,
  day: number,
  time?: { hour: number; minute: number; second: number; zone?: string | undefined },
): string | null {
  if (!validDate(year, month, day)) return null;
  if (!time) return new Date(Date.UTC(year, month - 1, day)).toISOString();
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return null;
  const utc =
    Date.UTC(year, month - 1, day, time.hour, time.minute, time.second) - zoneOffset(time.zone) * 60_000;
  return new Date(utc).toISOString();
}

function readTime(
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
  meridiem: string | undefined,
  zone: string | undefined,
) {
  if (!hourText || !minuteText) return undefined;
  let hour = Number(hourText);
  const pm = meridiem?.toLowerCase().startsWith('p');
  if (meridiem && hour === 12) hour = pm ? 12 : 0;
  else if (pm) hour += 12;
  // A zone only counts when it is one we know; "at 10:30 in Paris" has no zone.
  const known = zone && (/^[+-]/.test(zone) || zone.toLowerCase() in ZONES) ? zone : undefined;
  return { hour, minute: Number(minuteText), second: Number(secondText ?? 0), zone: known };
}

/** The first date written in `text`, in any of the formats bylines and date lines use. */
export function findDate(text: string): DateResult | null {
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [matched, y, mo, d, h, mi, s, zone] = iso;
    const time = h ? { hour: Number(h), minute: Number(mi), second: Number(s ?? 0), zone } : undefined;
    const value = toIso(Number(y), Number(mo), Number(d), time);
    if (value) return { iso: value, matched };
  }
  for (const pattern of [MONTH_FIRST, DAY_FIRST]) {
    const match = pattern.exec(text);
    if (!match) continue;
    const monthFirst = pattern === MONTH_FIRST;
    const monthText = (monthFirst ? match[1] : match[2]) ?? '';
    const dayText = monthFirst ? match[2] : match[1];
    const month = MONTHS[monthText.toLowerCase().slice(0, 3)];
    const time = readTime(match[4], match[5], match[6], match[7], match[8]);
    const value = month ? toIso(Number(match[3]), month, Number(dayText), time) : null;
    if (value) return { iso: value, matched: match[0].trim() };
  }
  const foreign = FOREIGN_DAY_FIRST.exec(text);
  if (foreign) {
    const [matched, day, monthText, year, hour, minute] = foreign;
    const month = FOREIGN_MONTHS[(monthText ?? '').toLowerCase()];
    const time = readTime(hour, minute, undefined, undefined, undefined);
    const value = month ? toIso(Number(year), month, Number(day), time) : null;
    if (value) return { iso: value, matched: matched.trim() };
  }
  const numeric = NUMERIC.exec(text);
  if (numeric) return readNumericDate(numeric);
  return null;
}

/** `21/04/2016` is day-first, `04/21/2016` month-first; `03/04/2016` could be either, so no guess. */
function readNumericDate(numeric: RegExpExecArray): DateResult | null {
  const [first, second, year] = [Number(numeric[1]), Number(numeric[3]), Number(numeric[4])];
  const matched = numeric[0].trim();
  const dayFirst = validDate(year, second, first);
  const monthFirst = validDate(year, first, second);
  if (dayFirst && monthFirst && first !== second) {
    const date = `${numeric[1]}${numeric[2]}${numeric[3]}${numeric[2]}${numeric[4]}`;
    return {
      ambiguous: `${date} could be ${first} ${MONTH_NAMES[second - 1]} or ${second} ${MONTH_NAMES[first - 1]}`,
      matched,
    };
  }
  // A time after the date ("11/18/2011 2:27 AM") belongs to it.
  const time = readTime(numeric[5], numeric[6], numeric[7], numeric[8], numeric[9]);
  const iso = dayFirst
    ? toIso(year, second, first, time)
    : monthFirst
      ? toIso(year, first, second, time)
      : null;
  return iso ? { iso, matched } : null;
}

/** Sites that put dates in their paths (`/2016/04/21/slug`) state the publication day there. */
export function dateFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const match =
    /\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})(?:\/|$|[?#])/.exec(url) ??
    /\/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/-]|$)/.exec(url);
  if (!match) return null;
  return toIso(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Caption prefixes such as `16-04-22` follow the scraped site's ISO-like YY-MM-DD order. When that
 * reading is impossible (month > 12, day out of range) another order would fit, and choosing one
 * would be a guess, so the caller gets the ambiguity instead.
 */
export function dateFromCaptionPrefix(prefix: string): DateResult | null {
  const long = /^(\d{4})-(\d{2})-(\d{2})$/.exec(prefix);
  if (long) {
    const value = toIso(Number(long[1]), Number(long[2]), Number(long[3]));
    return value ? { iso: value.slice(0, 10), matched: prefix } : null;
  }
  const short = /^(\d{2})-(\d{2})-(\d{2})$/.exec(prefix);
  if (!short) return null;
  const [a, b, c] = [Number(short[1]), Number(short[2]), Number(short[3])];
  const value = toIso(2000 + a, b, c);
  if (value) return { iso: value.slice(0, 10), matched: prefix };
  const others = [
    validDate(2000 + c, b, a) ? 'DD-MM-YY' : null,
    validDate(2000 + c, a, b) ? 'MM-DD-YY' : null,
  ].filter(Boolean);
  if (others.length === 0) return null;
  return {
    ambiguous: `caption prefix ${prefix} is not YY-MM-DD; it could be ${others.join(' or ')}`,
    matched: prefix,
  };
}

/** An ISO string from metadata (`2016-04-21T10:30:00-04:00`, `2016-04-21`), normalised to UTC. */
export function normalizeIsoDate(value: string): string | null {
  const found = findDate(value.trim());
  if (found && 'iso' in found) return found.iso;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
