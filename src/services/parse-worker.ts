import type { MessagePort } from 'node:worker_threads';
import { parseArticle } from '../ingest/parse.js';
import type { ParseOutcome, RawArticle } from '../ingest/types.js';
import { sha256 } from '../lib/hash.js';
import { lowerThreadPriority } from '../lib/thread-priority.js';
import { warmUpArticle } from './parse-warm-up.js';

export interface ParseTask {
  raw: RawArticle;
  /** Told when parsing starts, so the time limit never counts the worker's own start-up. */
  started: MessagePort;
}

export interface ParseResult {
  outcome: ParseOutcome;
  /** sha256 (hex) of the raw payload, hashed here so a large body costs the event loop nothing. */
  rawSha256: string;
}

lowerThreadPriority();

// The first parse sets up the language models and lexicons; do it now, so that no document's time
// limit pays for it.
parseArticle(warmUpArticle);

/** Runs inside a parser pool thread: one raw article in, its parse outcome out. */
export default function parseInWorker({ raw, started }: ParseTask): ParseResult {
  started.postMessage('started');
  started.close();
  const rawSha256 = sha256(raw.body);
  return { outcome: parseArticle(raw), rawSha256 };
}
