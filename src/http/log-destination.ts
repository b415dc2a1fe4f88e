import pino from 'pino';

/**
 * Linux writes at most PIPE_BUF (4096) bytes to a pipe in one piece; a longer write may be cut by
 * another process's. The processes of `serve --workers N` share one stdout, and pino's default
 * destination writes up to 16 KB of lines at once: with it, test/processes/shared-stdout.test.ts
 * (four processes logging into one slowly read pipe) finds lines cut by another process's bytes.
 */
export const pipeAtomicBytes = 4096;

/** The longest string a shortened log line keeps, in characters. */
const keptChars = 512;

/**
 * Where the server's log lines go: a file descriptor (stdout), written asynchronously as pino's
 * default is and flushed on exit, in writes of whole lines of at most `pipeAtomicBytes` each (a
 * longer line alone: the server's lines are fitted first, by `fittedLine`).
 */
export function logDestination(fd = 1) {
  return pino.destination({ dest: fd, maxWrite: pipeAtomicBytes });
}

/** The server's pino options: `level`, lines fitted to one write, and stdout's destination as `stream`. */
export function serverLogOptions(level: string) {
  return { level, stream: logDestination(), hooks: { streamWrite: fittedLine } };
}

/** How long a shutdown waits for its log lines to be read, when stdout is a pipe nobody reads. */
const logDrainMs = 10_000;

/**
 * Resolves once every line `logger` has taken is written (or after `logDrainMs`), and ends its
 * destination. Exiting without this loses the lines of the write in flight: pino's exit hook writes
 * what is still buffered, not what a pending asynchronous write holds, and a slowly read pipe keeps
 * one pending (test/processes/shared-stdout.test.ts lost the last 5 request lines of 3,391).
 */
export function logWritten(logger: object): Promise<void> {
  const stream = (logger as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | ReturnType<typeof pino.destination>
    | undefined;
  if (!stream || typeof stream.flushSync !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, logDrainMs);
    stream.once('close', done);
    stream.once('error', done);
    stream.end();
  });
}

/**
 * A log line as written: unchanged when it fits one write of `pipeAtomicBytes`; otherwise with its
 * long strings (a client's URL may be 16 KB, a stack trace longer) cut to `keptChars` and
 * `truncated: true` added, or, when that is still too long, only its level, time, process, request
 * id and message, cut shorter. A line longer than one write could be cut by another worker's, and
 * the part after the cut, read as a line of its own, would be whatever the client put in its URL.
 */
export function fittedLine(line: string): string {
  if (line.length * 3 <= pipeAtomicBytes || Buffer.byteLength(line) <= pipeAtomicBytes) return line;
  const entry = JSON.parse(line) as Record<string, unknown>;
  const shortened = `${JSON.stringify({ ...(shortenStrings(entry) as object), truncated: true })}\n`;
  if (Buffer.byteLength(shortened) <= pipeAtomicBytes) return shortened;
  // A quarter of `keptChars` each: these three strings fit one write even if every character is
  // escaped to six bytes.
  const { level, time, pid, hostname, reqId, msg } = entry;
  const essentials = shortenStrings({ level, time, pid, hostname, reqId, msg }, keptChars / 4);
  return `${JSON.stringify({ ...(essentials as object), truncated: true })}\n`;
}

/** `value` with every string in it cut to `limit`, never between the halves of a surrogate pair. */
function shortenStrings(value: unknown, limit = keptChars): unknown {
  if (typeof value === 'string') {
    if (value.length <= limit) return value;
    const kept = value.slice(0, limit);
    return /[\ud800-\udbff]$/.test(kept) ? kept.slice(0, -1) : kept;
  }
  if (Array.isArray(value)) return value.map((item) => shortenStrings(item, limit));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortenStrings(item, limit)]));
  return value;
}
