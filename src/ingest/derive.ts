import nlp from 'compromise/two';
import { eld } from 'eld/small';
import { TEXT_NAME_PARTICLES } from './names.js';
import { slugify } from './slug.js';

// compromise (~35 MB) and eld (~100 MB) are loaded only where articles are parsed: the parser runs
// in worker threads, and the serving thread never imports this module.
let lexiconModel:
  | {
      lexicon: Record<string, string | string[]>;
      orgWords: Record<string, unknown>;
      placeWords: Record<string, unknown>;
    }
  | undefined;

/**
 * Entity tags come from compromise's lexicon (its names, places, organisations and org/place
 * head words) applied to a fast capitalised-phrase scan of our own, not from running compromise's
 * tagger over the text: measured here, the tagger costs ~5 ms per 1,000 characters (~1 ms even for
 * a 200-character lead), which alone would cap ingest below 1,000 articles/s.
 */
function model() {
  if (!lexiconModel) {
    const { one, two } = (
      nlp.world() as unknown as {
        model: {
          one: { lexicon: Record<string, string | string[]> };
          two: { orgWords: Record<string, unknown>; placeWords: Record<string, unknown> };
        };
      }
    ).model;
    lexiconModel = { lexicon: one.lexicon, orgWords: two.orgWords, placeWords: two.placeWords };
  }
  return lexiconModel;
}

const MAX_DERIVED_TAGS = 8;
/** Entities that matter are named early; scanning the lead keeps the cost flat for long texts. */
const MAX_SCANNED_WORDS = 800;
/** Lower-case words inside names: particles anywhere, "of/for/the" only after an institution word. */
const INSTITUTION_CONNECTORS = new Set(['of', 'for', 'the']);
const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person', 'Honorific']);
const PLACE_TAGS = new Set(['Country', 'City', 'Region', 'Place']);
const ORG_TAGS = new Set(['Organization', 'SportsTeam']);
/** Lexicon tags of words that are never an entity on their own ("However", "March", "Two"). */
const JUNK_TAGS = new Set([
  'Determiner',
  'Preposition',
  'Conjunction',
  'Pronoun',
  'Possessive',
  'Adverb',
  'Modal',
  'Copula',
  'Month',
  'WeekDay',
  'Date',
  'Cardinal',
  'Ordinal',
  'TextValue',
  'QuestionWord',
  'Expression',
  'Demonym',
  'Honorific',
  'Abbreviation',
  'Negative',
]);

/** Words that describe rather than name, dropped when they open a sentence before a name. */
const MODIFIER_TAGS = new Set([
  'Adjective',
  'Comparative',
  'Superlative',
  'PastTense',
  'PresentTense',
  'Gerund',
  'Infinitive',
]);

const NO_TAGS: string[] = [];

function lexiconTags(word: string): string[] {
  const tags = model().lexicon[word.toLowerCase()];
  if (tags === undefined) return NO_TAGS;
  return Array.isArray(tags) ? tags : [tags];
}

type EntityKind = 'person' | 'place' | 'organization' | 'other';

function classifyPhrase(words: string[]): EntityKind {
  const phrase = words.join(' ');
  const whole = lexiconTags(phrase);
  if (whole.some((tag) => ORG_TAGS.has(tag))) return 'organization';
  if (whole.some((tag) => PLACE_TAGS.has(tag))) return 'place';
  const last = (words.at(-1) ?? '').toLowerCase();
  const { orgWords, placeWords } = model();
  if (words.length > 1 && last in orgWords) return 'organization';
  if (words.length > 1 && last in placeWords) return 'place';
  const lastTags = lexiconTags(last);
  if (
    words.length >= 2 &&
    words.length <= 3 &&
    lexiconTags(words[0] ?? '').some((tag) => NAME_TAGS.has(tag)) &&
    !lastTags.some((tag) => PLACE_TAGS.has(tag) || ORG_TAGS.has(tag))
  ) {
    return 'person';
  }
  if (words.length === 1 && /^\p{Lu}{2,6}$/u.test(phrase)) return 'organization';
  return 'other';
}

interface Candidate {
  words: string[];
  count: number;
  first: number;
  inTitle: boolean;
  /** Seen somewhere other than a sentence's first word, where capitals prove nothing. */
  midSentence: boolean;
  kind?: EntityKind;
}

function kindOf(candidate: Candidate): EntityKind {
  candidate.kind ??= classifyPhrase(candidate.words);
  return candidate.kind;
}

interface Phrase {
  words: string[];
  atSentenceStart: boolean;
}

function isConnector(word: string, previous: string | undefined): boolean {
  if (TEXT_NAME_PARTICLES.has(word)) return true;
  if (!INSTITUTION_CONNECTORS.has(word) || previous === undefined) return false;
  const head = previous.toLowerCase();
  const { orgWords, placeWords } = model();
  return head in orgWords || head in placeWords || INSTITUTION_CONNECTORS.has(head);
}

// Only capitalised words and punctuation are matched; the lower-case text between two matches
// is inspected as a gap. Matching every word allocated five times as many match objects and
// made garbage collection the largest cost of tagging.
const TOKEN = /\p{Lu}[\p{L}\p{M}\p{N}'’.&-]*|[.!?:;,"“”()]/gu;

const PUNCTUATION = new Set(['.', '!', '?', ':', ';', ',', '"', '“', '”', '(', ')']);

/** "AOL's" → "AOL", "Libya." → "Libya", but "U.S." keeps its periods. */
function cleanCapitalised(token: string): string {
  const word = token.replace(/['’]s$/, '');
  return /^\p{Lu}(\.\p{Lu})+\.?$/u.test(word) ? word : word.replace(/(?<![.'’-])[.'’-]+$/, '');
}

/** Capitalised phrases of a text, with the first word of a sentence kept only when it is a name. */
function capitalisedPhrases(text: string): Phrase[] {
  const phrases: Phrase[] = [];
  let run: string[] = [];
  let runAtSentenceStart = false;
  let sentenceStart = true;
  const close = () => {
    while (run.length > 0 && /^\p{Ll}/u.test(run.at(-1) ?? '')) run.pop();
    // Honorifics are not part of the name: "Mr Sullivan" is counted as "Sullivan".
    while (run.length > 1 && lexiconTags(run[0] ?? '').includes('Honorific')) run.shift();
    if (runAtSentenceStart && run.length > 0) {
      const tags = lexiconTags(run[0] ?? '');
      const functionWord = tags.some((tag) => JUNK_TAGS.has(tag));
      // "Former WorldCom" → "WorldCom", but "New York" is a name as a whole.
      const modifier =
        run.length > 1 &&
        tags.some((tag) => MODIFIER_TAGS.has(tag)) &&
        lexiconTags(run.join(' ')).length === 0;
      // "The Shura Council" → "Shura Council"; a lone common word opening a sentence is dropped.
      if (
        functionWord ||
        modifier ||
        (run.length === 1 &&
          tags.length > 0 &&
          !tags.some((tag) => NAME_TAGS.has(tag) || PLACE_TAGS.has(tag) || ORG_TAGS.has(tag)))
      ) {
        run.shift();
      }
    }
    if (run.length > 0 && run.length <= 6) phrases.push({ words: run, atSentenceStart: runAtSentenceStart });
    run = [];
  };
  let previousEnd = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const token = match[0];
    if (match.index > previousEnd) {
      const gap = text.slice(previousEnd, match.index).trim();
      // Quote marks and dashes in the gap neither break a run nor end a sentence start.
      if (/[\p{L}\p{N}]/u.test(gap)) {
        // One lower-case particle may join two capitalised words ("Bank of England").
        if (run.length > 0 && !/\s/.test(gap) && isConnector(gap, run.at(-1))) run.push(gap);
        else close();
        sentenceStart = false;
      }
    }
    previousEnd = match.index + token.length;
    if (token.length === 1 && PUNCTUATION.has(token)) {
      close();
      if (token !== ',' && token !== ';' && token !== '(' && token !== ')') sentenceStart = true;
      continue;
    }
    // Only capitalised tokens can carry a trailing period ("Libya.", "U.S.", "Mr.").
    const word = /['’.-]$|['’]s$/.test(token) ? cleanCapitalised(token) : token;
    if (run.length === 0) runAtSentenceStart = sentenceStart;
    run.push(word);
    const endsSentence =
      token.endsWith('.') &&
      !/^\p{Lu}(\.\p{Lu})*\.$/u.test(token) &&
      !lexiconTags(word).includes('Abbreviation');
    if (endsSentence) close();
    sentenceStart = endsSentence;
  }
  close();
  return phrases;
}

function isJunk(words: string[]): boolean {
  const phrase = words.join(' ');
  if (phrase.length < 2 || /^\p{N}+$/u.test(phrase) || /\d{3,}/.test(phrase)) return true;
  if (words.length === 1) {
    const tags = lexiconTags(phrase);
    if (tags.some((tag) => JUNK_TAGS.has(tag) || tag === 'Adjective')) return true;
    if (phrase.length < 3 && !/^\p{Lu}{2}$/u.test(phrase)) return true;
    // Demonyms and language names the lexicon lacks ("British", "Chinese") describe, not name.
    if (tags.length === 0 && /^\p{Lu}\p{Ll}+(ish|ese)$/u.test(phrase)) return true;
  }
  return false;
}

/** Named entities and proper-noun keyphrases, best first, at most eight. */
export function deriveTags(title: string, paragraphs: string[], exclude: Set<string>): string[] {
  const candidates = new Map<string, Candidate>();
  const titleSlug = ` ${slugify(title, '')} `.replace(/-/g, ' ');
  let words = 0;
  let order = 0;
  const texts = [title, ...paragraphs];
  for (const text of texts) {
    if (words > MAX_SCANNED_WORDS) break;
    words += text.length / 6;
    for (const { words: phrase, atSentenceStart } of capitalisedPhrases(text)) {
      if (isJunk(phrase)) continue;
      // "TimeWarner" and "Time Warner" are one candidate.
      const key = phrase.join('').toLowerCase();
      const existing = candidates.get(key);
      const midSentence = !atSentenceStart || phrase.length > 1;
      if (existing) {
        existing.count++;
        existing.midSentence ||= midSentence;
      } else {
        const slug = slugify(phrase.join(' '), '');
        if (slug === '' || exclude.has(slug)) continue;
        const inTitle = titleSlug.includes(` ${slug.replace(/-/g, ' ')} `);
        candidates.set(key, { words: phrase, count: 1, first: order++, midSentence, inTitle });
      }
    }
  }
  // A surname used alone ("Parsons said"), a first name ("Ken") or a name's head word ("the
  // Brigades") counts towards the full name it abbreviates, unless that word is an entity of its
  // own (Libya in Fajr Libya).
  for (const candidate of candidates.values()) {
    if (candidate.words.length < 2) continue;
    const person = kindOf(candidate) === 'person';
    const parts = person ? [candidate.words.at(-1), candidate.words[0]] : [candidate.words.at(-1)];
    for (const part of parts) {
      const short = candidates.get((part ?? '').toLowerCase());
      if (!short || short === candidate || short.count === 0) continue;
      const shortKind = kindOf(short);
      if (shortKind !== 'other' && shortKind !== 'person') continue;
      candidate.count += short.count;
      short.count = 0;
    }
  }
  const scored = [...candidates.values()]
    .map((candidate) => {
      const kind = kindOf(candidate);
      const score = candidate.count + (candidate.inTitle ? 3 : 0) + (kind === 'other' ? 0 : 1);
      return { candidate, kind, score };
    })
    .filter(
      ({ candidate, kind }) =>
        candidate.count > 0 &&
        (candidate.midSentence || kind !== 'other') &&
        (candidate.count >= 2 || candidate.inTitle || kind !== 'other'),
    )
    .sort((a, b) => b.score - a.score || a.candidate.first - b.candidate.first);
  return scored.slice(0, MAX_DERIVED_TAGS).map(({ candidate }) => candidate.words.join(' '));
}

// eld's small database on ~250 characters still tells the major European languages apart, at
// about half the cost of the medium one on 600 (measured: ~50 µs vs ~100 µs per article).
const LANGUAGE_SAMPLE = 250;

/** ISO 639-1 code of the body's language, or null when the detector cannot say. */
export function detectLanguage(text: string): string | null {
  const sample = text.slice(0, LANGUAGE_SAMPLE);
  if (sample.trim().length < 20) return null;
  const language = eld.detect(sample).language;
  return language === '' ? null : language;
}
