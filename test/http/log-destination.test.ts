import fs, { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { logDestination, pipeAtomicBytes } from '../../src/http/log-destination.js';
import { testParser } from '../support/app.js';

/** A log file, and the size of every write made to it (the destination writes with `fs.write`). */
function recordedLog(t: Test) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-log-'));
  const file = path.join(directory, 'log');
  const fd = openSync(file, 'a');
  const writes: number[] = [];
  const write = fs.write;
  fs.write = ((target: number, data: string | Uint8Array, ...rest: unknown[]) => {
    if (target === fd) writes.push(Buffer.byteLength(data));
    return (write as (...args: unknown[]) => void)(target, data, ...rest);
  }) as typeof fs.write;
  t.teardown(() => {
    fs.write = write;
    rmSync(directory, { recursive: true, force: true });
  });
  return { fd, writes, lines: () => readFileSync(file, 'utf8').split('\n').slice(0, -1) };
}

/** Ends the destination once every line is written; it closes the file then. */
const ended = (destination: ReturnType<typeof logDestination>) =>
  new Promise<void>((resolve) => {
    destination.once('close', resolve);
    destination.end();
  });

t.test('lines logged in a burst reach the file whole, in writes of at most 4096 bytes', async (t) => {
  const log = recordedLog(t);
  const destination = logDestination(log.fd);
  const logger = pino({}, destination);
  // Lines of 100 to 1,900 bytes, some of two-byte characters (the limit is in bytes), and one longer
  // than a write may be, all in one turn of the loop: while the first is being written, the others
  // wait and are written together.
  for (let line = 0; line < 300; line++)
    logger.info({ line, padding: (line % 2 ? 'é' : 'x').repeat((line * 37) % 900) }, 'request completed');
  logger.info({ line: 300, padding: 'y'.repeat(10_000) }, 'a long line');
  await ended(destination);

  const lines = log.lines().map((line) => JSON.parse(line) as { line: number; padding: string });
  t.same(
    lines.map((entry) => entry.line),
    Array.from({ length: 301 }, (_, line) => line),
    'every line arrives, whole and in order',
  );
  t.equal(lines.at(-1)!.padding.length, 10_000);
  const long = log.writes.filter((size) => size > pipeAtomicBytes);
  t.equal(long.length, 1, 'only the line longer than a write is written past 4096 bytes, alone');
  t.ok(long[0]! < 10_200);
  t.ok(
    log.writes.filter((size) => size > pipeAtomicBytes / 2).length > 10,
    'lines waiting together are written together, not one write each',
  );
});

t.test("the server's logger writes through it", async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-log-app-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const config = loadConfig({
    DATABASE_URL: `file:${path.join(directory, 'gazette.db')}`,
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp(config, { parser: testParser(), readWorkers: false });
  t.teardown(() => app.close());
  const stream = (app.log as unknown as Record<symbol, { maxWrite?: number; fd?: number }>)[
    pino.symbols.streamSym
  ];
  t.equal(stream?.maxWrite, pipeAtomicBytes);
  t.equal(stream?.fd, 1, 'to stdout');
});
