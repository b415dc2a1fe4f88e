import { countWords } from './blocks.js';
import { type DateResult, dateFromCaptionPrefix } from './dates.js';

export interface Caption {
  caption: string;
  credit: string | null;
  date: DateResult | null;
}

// "16-04-22 MSC fighters in Derna": some sites prefix image captions with the photo's date.
const DATE_PREFIX = /^(\d{2}-\d{2}-\d{2}|\d{4}-\d{2}-\d{2})\s+(\S.*)$/;
const CAPTION_LABEL =
  /^(?:image caption|media caption|caption|pictured|above|photo caption|top image)(?:\s*[:–—-]\s+|\s+)(\S.*)$/i;
/** A news agency's archive photo: "FILE - In this March 2, 2011 file photo, …", after its credit. */
const FILE_PHOTO = /^(?:[^.]{0,80}\s)?FILE\s+[-–—]\s+(\S.*)$/;
const CREDIT_LABEL =
  /^\(?(?:image copyright|image source|copyright|credit|photo credit|image credit|photograph|photo|picture|image|foto)\s*(?:by|:|©)\s*(\S.*?)\)?$/i;
/** Where a trailing credit starts: "Photo:", "(Picture by", "[Credit:". */
const CREDIT_START =
  /(?:[([]\s*)?(?:photo|photograph|picture|image|credit|photo credit|image credit)\s*(?::|by)\s*/gi;
const BRACKET = /[()[\]]/;

/**
 * "Caption text (Photo: Name)" → caption and credit: the first credit label whose rest of the text
 * is a short credit (2–80 characters, no brackets but one closing the label's).
 */
export function splitCredit(text: string): { caption: string; credit: string | null } {
  const trimmed = text.trimEnd();
  for (const label of trimmed.matchAll(CREDIT_START)) {
    const start = label.index + label[0].length;
    if (trimmed.length - start > 81) continue;
    const credit = trimmed
      .slice(start)
      .replace(/[)\]]$/, '')
      .trimEnd();
    if (credit.length < 2 || BRACKET.test(credit)) continue;
    const caption = trimmed.slice(0, label.index).trim();
    if (caption === '') break;
    return { caption, credit };
  }
  return { caption: text, credit: null };
}

/** Reads a plain-text line that describes an image rather than telling the story. */
export function parseCaptionLine(text: string): Caption | null {
  if (text.length > 400 || countWords(text) > 60) return null;
  const dated = DATE_PREFIX.exec(text);
  if (dated?.[1] && dated[2]) {
    const date = dateFromCaptionPrefix(dated[1]);
    if (date) return { ...splitCredit(dated[2]), date };
  }
  const labelled = CAPTION_LABEL.exec(text) ?? FILE_PHOTO.exec(text);
  if (labelled?.[1]) return { ...splitCredit(labelled[1]), date: null };
  const credit = CREDIT_LABEL.exec(text);
  // "Photo: Jane Doe/Reuters" names who took it; a long sentence after "Photo:" is a caption.
  if (credit?.[1]) {
    const value = credit[1].trim();
    return countWords(value) <= 6 && !/[.!?]$/.test(value)
      ? { caption: '', credit: value, date: null }
      : { ...splitCredit(value), date: null };
  }
  // "A ferry leaving the harbour. Photo: Jane Doe": a short description signed by its photographer.
  if (countWords(text) <= 40) {
    const signed = splitCredit(text);
    if (signed.credit && countWords(signed.credit) <= 6) return { ...signed, date: null };
  }
  return null;
}
