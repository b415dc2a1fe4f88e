import { BadRequest, ContentTooLarge } from '../lib/errors.js';
import { inGroups } from '../lib/groups.js';
import { type Line, readLines } from '../lib/lines.js';
import type { IngestRequest } from './draft.js';
import type { BatchOutcome, IngestService } from './ingest.js';
import { IngestObject, ingestRequestOf } from './ingest-object.js';

/** Articles stored together in one transaction, each still in its own savepoint. */
const batchGroupSize = 100;

/** How one item or line of a batch ended; `line` counts from 1. */
export type LineOutcome = BatchOutcome & { line: number };

/** The items of a JSON batch, stored a group at a time; one outcome per item, in order. */
export async function ingestItems(ingest: IngestService, items: IngestObject[]): Promise<LineOutcome[]> {
  const results: LineOutcome[] = [];
  for (let start = 0; start < items.length; start += batchGroupSize) {
    const group = items.slice(start, start + batchGroupSize);
    const outcomes = await ingest.ingestMany(group.map((item) => ingestRequestOf(item)));
    outcomes.forEach((outcome, index) => {
      results.push({ line: start + index + 1, ...outcome });
    });
  }
  return results;
}

/**
 * An NDJSON batch read as a stream: one ingest object a line, each line up to `maxLineBytes`. Lines
 * that arrive together are stored together, and each group's outcomes are yielded as soon as it is
 * done. A bad line is one rejected outcome and the rest go on; blank lines are counted, not reported.
 */
export async function* ingestLines(
  ingest: IngestService,
  body: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
): AsyncGenerator<LineOutcome[]> {
  let lineNumber = 0;
  for await (const group of inGroups(readLines(body, maxLineBytes), batchGroupSize, 10)) {
    const entries = group.flatMap((line) => {
      lineNumber++;
      const read = readLine(line, maxLineBytes);
      return read === 'blank' ? [] : [{ line: lineNumber, read }];
    });
    const requests = entries.flatMap(({ read }) => ('request' in read ? [read.request] : []));
    const stored = (await ingest.ingestMany(requests)).values();
    if (entries.length)
      yield entries.map(({ line, read }) => ({ line, ...('request' in read ? stored.next().value! : read) }));
  }
}

/** One line as an ingest request, the error that refuses it, or `blank`. */
function readLine(line: Line, maxLineBytes: number): { request: IngestRequest } | { error: Error } | 'blank' {
  if (!('text' in line))
    return { error: new ContentTooLarge(`The line is longer than ${maxLineBytes} bytes.`) };
  if (line.text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    return { error: new BadRequest(`Not valid JSON: ${(error as Error).message}.`) };
  }
  const parsed = IngestObject.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`);
    return { error: new BadRequest(`Invalid ingest object: ${issues.join('; ')}.`) };
  }
  return { request: ingestRequestOf(parsed.data) };
}
