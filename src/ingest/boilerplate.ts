import { countWords } from './blocks.js';
import type { RemovedBlock } from './types.js';

export type BoilerplateKind = RemovedBlock['kind'];

const SHARE_WORDS =
  /\b(share|shares|share this|tweet|email|e-mail|print|facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|messenger|copy link|opens in new window|click to share|click to print|click to email|on|this|article|story|page|via|mastodon|bluesky|threads)\b/gi;

const RELATED_HEAD =
  /^(related( articles?| stories| posts| content| coverage| reading| links| topics)?|read more|read next|read also|also read|more on this( story| topic)?|more stories|you (may|might) also (like|enjoy)|recommended( for you| reading| stories)?|more from [\p{L} ]{2,30}|most (popular|read|viewed)|see also|trending( now)?|top stories|in other news)\b/iu;

const ADVERT =
  /^(advertisement|advertising|sponsored( content)?|ad|ads by \w+|story continues below( this)?( advertisement)?|continue reading( the main story| below)?|scroll to continue( with content)?|article continues below)$/i;

const COMMENTS =
  /^(\d+\s+)?(comments?|leave a (comment|reply)|join the (conversation|discussion)|show comments|view comments|post a comment|add a comment|comments are closed|log in to comment|be the first to comment)\b/i;

const COPYRIGHT = /^(©|copyright\b|\(c\)\s*\d{4})|\ball rights reserved\b/i;

const COOKIE_CONTEXT =
  /\b(we use|this (site|website) uses|accept|consent|privacy( policy)?|by continuing|manage (your )?(preferences|settings)|browsing experience)\b/i;

// Appeals are scored over several signals so that a news paragraph which merely says
// "subscribers" or "sign up" is never dropped: one weak signal alone is not enough.
const STRONG_APPEAL: RegExp[] = [
  /\bsupport (our|independent|quality|local)( independent| nonprofit| non-profit)? (journalism|reporting|work|mission|newsroom)/i,
  /\b(make|makes|consider|considering|making|give) (a |an )?(one-time |monthly |tax-deductible |small |recurring |annual )*(or (monthly|annual|one-time) )?donation\b/i,
  /\bdonate (now|today|here)\b/i,
  /\btax-deductible\b/i,
  /\bbecome an? (member|subscriber|supporter|patron)\b/i,
  /\b(readers like you|reader-funded|reader-supported)\b/i,
];
const STRONG_NEWSLETTER: RegExp[] = [
  /\bsubscribe to (our|the) [\w ]{0,30}(newsletter|mailing list|podcast|channel|briefing)\b/i,
  /\bsign up (for|to) (our|the) [\w ]{0,30}(newsletter|briefing|alerts|emails?)\b/i,
  /\b(get|delivered|sent|straight) [\w ]{0,30}(to|in|into) your inbox\b/i,
  /\bour (free )?(daily |weekly |morning |evening )?(newsletter|briefing)\b/i,
];
const WEAK_SIGNALS: RegExp[] = [
  /\bdonat(e|ion|ions|ing)\b/i,
  /\bsubscri(be|ption|bing)\b/i,
  /\bsign up\b/i,
  /\bthanks? (you )?for reading\b/i,
  /\byour support\b/i,
  /\bnewsletter\b/i,
  /\binbox\b/i,
  /\b(patreon|paypal|paywall)\b/i,
  /\bfree trial\b/i,
];

function score(text: string, patterns: RegExp[], weight: number): number {
  let total = 0;
  for (const pattern of patterns) if (pattern.test(text)) total += weight;
  return total;
}

/** Every appeal pattern contains one of these stems; most paragraphs are ruled out by this alone. */
const APPEAL_STEMS =
  /donat|subscri|sign up|newsletter|inbox|support|thank|patreon|paypal|paywall|trial|member|reader|contribut|gift|deductible|briefing/i;

function appealKind(text: string, words: number): BoilerplateKind | null {
  if (!APPEAL_STEMS.test(text)) return null;
  const appeal = score(text, STRONG_APPEAL, 2);
  const newsletter = score(text, STRONG_NEWSLETTER, 2);
  let total = appeal + newsletter + score(text, WEAK_SIGNALS, 1);
  if (total === 0) return null;
  // Appeals speak to the reader ("you", or an imperative like "Subscribe…"); a news paragraph
  // quoting someone about a "contribution" does not.
  const addressesReader =
    /\b(you|your)\b/i.test(text) ||
    /^(please |now )?(support|donate|subscribe|sign up|become|join|help|give|get)\b/i.test(text);
  if (!addressesReader && total < 4) return null;
  if (/\b(you|your)\b/i.test(text) && /\b(our|we|us)\b/i.test(text)) total += 1;
  if (
    total >= 4 ||
    (total >= 2 && words <= 60) ||
    (total >= 1 && words <= 6 && /^(subscribe|sign up|donate)\b/i.test(text))
  ) {
    return newsletter > appeal || (appeal === 0 && /newsletter|inbox|sign up/i.test(text))
      ? 'newsletter'
      : 'appeal';
  }
  return null;
}

/** A block made only of share-button labels ("Share this: Facebook Twitter Email"). */
function isShareWidget(text: string, words: number): boolean {
  if (words > 20) return false;
  if (/^(share this|click to share|share on|share this (article|story|page))\b/i.test(text)) return true;
  const rest = text.replace(SHARE_WORDS, '').replace(/[\s|,.:·•()\-–—/]+/g, '');
  return rest === '' && /\b(share|tweet|facebook|twitter|linkedin|whatsapp|email|print)\b/i.test(text);
}

/** A menu written on one line: three or more short items between pipes, bullets or slashes. */
function isInlineMenu(text: string): boolean {
  if (text.length > 400 || !/[|·•»›/]/.test(text)) return false;
  const items = text.split(/(?<!\s)\s+[|·•»›/]\s+/);
  return items.length >= 3 && items.every((item) => item.length <= 30 && countWords(item) <= 4);
}

/** Which kind of boilerplate a block is, or null when it may be content. */
export function boilerplateKind(text: string): BoilerplateKind | null {
  const words = countWords(text);
  if (words <= 8 && ADVERT.test(text)) return 'advert';
  if (isShareWidget(text, words)) return 'share';
  if (words <= 12 && RELATED_HEAD.test(text)) return 'related';
  if (words <= 25 && /^(related|read more|read next|see also|also read)\s*:/i.test(text)) return 'related';
  if (words <= 12 && COMMENTS.test(text)) return 'comments';
  if (words <= 30 && COPYRIGHT.test(text)) return 'copyright';
  if (words <= 80 && /\bcookies?\b/i.test(text) && COOKIE_CONTEXT.test(text)) return 'cookie';
  if (isInlineMenu(text)) return 'navigation';
  return appealKind(text, words);
}
