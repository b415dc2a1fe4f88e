import { asBuffer } from './bytes.js';

/** One line of a stream, or the marker for a line longer than the limit (its bytes were dropped). */
export type Line = { text: string } | { tooLong: true };

/**
 * Splits a byte stream into lines without ever holding more than one line (up to `maxBytes`) in
 * memory, so a batch of any size streams through in constant memory.
 */
export async function* readLines(stream: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowed = false;
  const finishLine = (): Line => {
    const line: Line = overflowed ? { tooLong: true } : { text: Buffer.concat(pending).toString('utf8') };
    pending = [];
    pendingBytes = 0;
    overflowed = false;
    return line;
  };
  for await (const chunk of stream) {
    let buffer = asBuffer(chunk);
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10)) {
      if (!overflowed) pending.push(buffer.subarray(0, newline));
      pendingBytes += newline;
      if (pendingBytes > maxBytes) overflowed = true;
      yield finishLine();
      buffer = buffer.subarray(newline + 1);
    }
    pendingBytes += buffer.length;
    if (pendingBytes > maxBytes) {
      overflowed = true;
      pending = [];
    } else if (buffer.length > 0) {
      pending.push(buffer);
    }
  }
  if (pendingBytes > 0 || overflowed) yield finishLine();
}
