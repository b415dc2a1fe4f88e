import { decode as decodeEntities } from 'html-entities';
import iconv from 'iconv-lite';
import { type ParseWarning, parseWarning } from './report.js';

export interface DecodedText {
  text: string;
  /** The charset the bytes were read as, e.g. `utf-8`, `iso-8859-1 (declared)`, `windows-1252`. */
  charset: string;
  /** Set when some bytes could not be decoded and were replaced. */
  warning?: ParseWarning;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * Bytes that are UTF-8 but for a few invalid sequences (a truncated character, one stray byte):
 * the text with U+FFFD for each, or null when the invalid sequences are too many for UTF-8 to be
 * what was meant. Text in a legacy charset has almost no valid multi-byte sequences, since those
 * need a lead byte followed by the right continuation bytes, while its every non-ASCII byte is
 * invalid; so UTF-8 wins only when valid non-ASCII characters outnumber invalid sequences two to one.
 */
function mostlyUtf8(bytes: Uint8Array): { text: string; invalid: number } | null {
  const text = lenientUtf8.decode(bytes);
  let replaced = 0;
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd) replaced++;
    else if (code >= 0x80) valid++;
  }
  // A U+FFFD that was in the bytes all along (EF BF BD) is a valid character, not a replacement.
  let genuine = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) genuine++;
  }
  const invalid = replaced - genuine;
  valid += genuine;
  return invalid * 2 <= valid ? { text, invalid } : null;
}

/** Magic numbers of formats that are never articles, checked before any decoding. */
const MAGIC_NUMBERS: ReadonlyArray<{ name: string; bytes: number[] }> = [
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'ZIP', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff] },
  { name: 'gzip', bytes: [0x1f, 0x8b] },
  { name: 'WebP/RIFF', bytes: [0x52, 0x49, 0x46, 0x46] },
];

/** Returns a sentence naming why the bytes look binary, or null when they look like text. */
export function binaryReason(bytes: Uint8Array): string | null {
  for (const magic of MAGIC_NUMBERS) {
    if (magic.bytes.every((b, i) => bytes[i] === b)) return `The body is a ${magic.name} file, not text.`;
  }
  // UTF-16 text is full of NUL bytes; it is text, so the caller decodes it before this check.
  const sample = bytes.subarray(0, 8192);
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i] as number;
    if (b === 0) return 'The body contains NUL bytes, so it is binary data, not text.';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls++;
  }
  if (sample.length > 0 && controls / sample.length > 0.05) {
    return `The body is ${Math.round((controls / sample.length) * 100)}% control characters, so it is binary data.`;
  }
  return null;
}

/** Same test on text that reached us already decoded (a JSON request's `raw` string). */
export function binaryReasonOfText(text: string): string | null {
  const sample = text.slice(0, 8192);
  if (sample.startsWith('%PDF-')) return 'The body is a PDF file, not text.';
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return 'The body contains NUL characters, so it is binary data, not text.';
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) controls++;
  }
  if (sample.length > 0 && controls / sample.length > 0.05) {
    return `The body is ${Math.round((controls / sample.length) * 100)}% control or replacement characters, so it is binary data.`;
  }
  return null;
}

export function charsetFromContentType(contentType: string): string | null {
  const match = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase() ?? null;
}

/** `<meta charset>` or the http-equiv form, looked for in the first bytes as the HTML spec does. */
export function charsetFromHtmlHead(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, 2048));
  const match =
    /<meta[^<>]+charset\s*=\s*(?:["']\s*)?([\w.:-]+)/i.exec(head) ??
    /<meta[^<>]+content\s*=\s*["'][^"'<>]*charset=([\w.:-]+)/i.exec(head);
  return match?.[1]?.toLowerCase() ?? null;
}

/**
 * Bytes → text. Valid UTF-8 (or UTF-8 but for a few bad bytes) wins even over a declared charset,
 * because pages mislabelled as Latin-1 are far more common than Latin-1 text that happens to be
 * valid multi-byte UTF-8.
 * Otherwise the declared charset, otherwise Windows-1252: real corpora hold raw 0xA3 (£) bytes,
 * and 1252 is a superset of Latin-1's printable range that also maps 0x80–0x9F (€, curly quotes).
 */
export function decodeBytes(bytes: Uint8Array, declared: string | null): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: iconv.decode(Buffer.from(bytes), 'utf-16le'), charset: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: iconv.decode(Buffer.from(bytes), 'utf-16be'), charset: 'utf-16be' };
  try {
    return { text: strictUtf8.decode(bytes), charset: 'utf-8' };
  } catch {
    // not strictly UTF-8: mostly UTF-8, or else the declared charset
  }
  const nearly = mostlyUtf8(bytes);
  if (nearly) {
    return { text: nearly.text, charset: 'utf-8', warning: parseWarning('invalid-utf8', nearly.invalid) };
  }
  if (declared && !/^utf-?8$/.test(declared) && iconv.encodingExists(declared)) {
    return { text: iconv.decode(Buffer.from(bytes), declared), charset: `${declared} (declared)` };
  }
  return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), charset: 'windows-1252' };
}

/** BOM, Unicode normalisation and line endings: the same for every input. */
export function normalizeText(text: string): string {
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  out = out.replace(/\r\n?/g, '\n');
  // Non-breaking and other exotic spaces become plain spaces so word rules see word boundaries.
  out = out.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u200b\u2060]/g, '');
  return out.normalize('NFC');
}

/** Plain text scraped from the web still carries entities (`&amp;`, `&#8217;`). */
export function decodeTextEntities(text: string): string {
  return text.includes('&') ? decodeEntities(text, { level: 'html5' }) : text;
}

// One match is either a URL (kept verbatim: its escapes are part of the address) or a run of
// `%XX` triplets. The run must not follow a digit or another `%`: "50%25" and "100%20" are a
// percentage followed by a number, not an escape, and "50%" or "50% of" never match at all
// because `% o`/`%` + space is not a hex pair.
const PERCENT_RUN = /\bhttps?:\/\/\S+|(?<![\d%])(?:%[0-9A-Fa-f]{2})+/g;

/** ASCII characters a scraper plausibly escaped; an escaped letter or digit is more likely a false hit. */
const ESCAPABLE_ASCII = /^[\s"'<>#%&+,/:;=?@[\]\\^`{|}~()!*$-]+$/;

/**
 * Decodes `%XX` runs only where they decode cleanly: the bytes must form valid UTF-8, and an
 * ASCII-only run must decode to punctuation or spaces (so "%22" → `"` and "%E2%80%99" → ’, but a
 * stray "%41" stays as written).
 */
export function decodePercentEscapes(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(PERCENT_RUN, (run) => {
    if (run.charCodeAt(0) !== 0x25) return run;
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    // An escaped control character is never what a scraper meant to keep.
    if (bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a) || b === 0x7f)) return run;
    let decoded: string;
    try {
      decoded = strictUtf8.decode(bytes);
    } catch {
      return run;
    }
    const asciiOnly = bytes.every((b) => b < 0x80);
    if (asciiOnly && !ESCAPABLE_ASCII.test(decoded)) return run;
    return decoded;
  });
}
