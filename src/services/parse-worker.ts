import { parseArticle } from '../ingest/parse.js';
import type { ParseOutcome, RawArticle } from '../ingest/types.js';

/** Runs inside a parser pool thread: one raw article in, its parse outcome out. */
export default function parseInWorker(raw: RawArticle): ParseOutcome {
  return parseArticle(raw);
}
