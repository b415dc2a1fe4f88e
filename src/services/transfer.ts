import { createHash } from 'node:crypto';
import type { Repositories } from '../domain/ports.js';
import {
  type ExportLine,
  exportFormat,
  exportSections,
  lineKey,
  parseExportHeader,
  parseExportLine,
} from '../domain/transfer.js';
import { BadRequest, DomainError } from '../lib/errors.js';

/** Lines read or written per batch: memory holds one batch, never the database. */
const batchSize = 200;

/** Lines done so far, of the total when it is known. */
type Progress = (done: number, total: number | undefined) => void;

/** A payload must be the bytes its hash names, or re-parsing and deduplication would go wrong. */
function checkPayloads(line: ExportLine, lineNumber: number): void {
  const ingests = line.type === 'article' ? line.ingests : line.type === 'ingest' ? [line.ingest] : [];
  for (const ingest of ingests) {
    const sha256 = createHash('sha256').update(Buffer.from(ingest.raw, 'base64')).digest('hex');
    if (sha256 !== ingest.raw_sha256)
      throw new BadRequest(`line ${lineNumber}: ingest ${ingest.id}: raw does not match raw_sha256`);
  }
}

/** A record the database refuses (a duplicate slug, a link to nothing) is the file's fault: one line, no stack. */
async function refusedAs<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError || !(error instanceof Error)) throw error;
    throw new BadRequest(`${what} could not be stored: ${error.message}`);
  }
}

/** `gazette export` and `gazette import`, on whichever storage the repositories implement. */
export function createTransferService(repositories: Pick<Repositories, 'transfer'>) {
  return {
    /** Writes the database as NDJSON through `write`, batch by batch; returns the lines written. */
    async exportTo(write: (text: string) => Promise<void>, progress?: Progress): Promise<number> {
      const snapshot = await repositories.transfer.openExport();
      try {
        const total = await snapshot.countLines();
        await write(`${JSON.stringify(exportFormat)}\n`);
        let done = 0;
        for (const section of exportSections) {
          let after = 0;
          for (;;) {
            const lines = await snapshot.readLines(section, after, batchSize);
            if (lines.length === 0) break;
            await write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
            after = lineKey(lines.at(-1)!);
            done += lines.length;
            progress?.(done, total);
          }
        }
        return done;
      } finally {
        await snapshot.close();
      }
    },

    /**
     * Reads an export into an empty database in one transaction: a bad line or a refused record
     * leaves the database as it was. Returns the lines imported.
     */
    async importFrom(lines: AsyncIterable<string>, progress?: Progress): Promise<number> {
      const iterator = lines[Symbol.asyncIterator]();
      parseExportHeader((await iterator.next()).value);
      const transaction = await repositories.transfer.beginImport();
      try {
        let lineNumber = 1;
        let batch: ExportLine[] = [];
        let done = 0;
        const flush = async () => {
          const lines = batch;
          await refusedAs(`lines up to ${lineNumber}`, () => transaction.writeLines(lines));
          done += batch.length;
          batch = [];
          progress?.(done, undefined);
        };
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          lineNumber += 1;
          if (next.value.trim() === '') continue;
          const line = parseExportLine(next.value, lineNumber);
          checkPayloads(line, lineNumber);
          batch.push(line);
          if (batch.length >= batchSize) await flush();
        }
        await flush();
        await refusedAs('the import', () => transaction.commit());
        return done;
      } catch (error) {
        await transaction.rollback();
        throw error;
      }
    },
  };
}
