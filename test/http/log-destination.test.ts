import fs, { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fittedLine, logDestination, logWritten, pipeAtomicBytes } from '../../src/http/log-destination.js';
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
  // What a shutdown waits for before the process exits.
  await logWritten(logger);

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

t.test("with logging off (Fastify's logger then has no stream) there is nothing to wait for", async (t) => {
  const app = await buildApp(loadConfig({ DATABASE_URL: 'file::memory:' }), {
    logger: false,
    parser: testParser(),
  });
  t.teardown(() => app.close());
  await logWritten(app.log);
  t.pass('resolved');
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
  const hooks = (app.log as unknown as Record<symbol, { streamWrite?: unknown }>)[pino.symbols.hooksSym];
  t.equal(hooks?.streamWrite, fittedLine, 'lines are fitted to one write');
});

/** The line pino makes of `fields` and `message`, before it is fitted. */
function loggedLine(fields: object, message: string): string {
  const written: string[] = [];
  pino({}, { write: (line: string) => written.push(line) }).info(fields, message);
  return written[0]!;
}

const bytes = (line: string) => Buffer.byteLength(line);

t.test('a line that fits one write is written as it is', async (t) => {
  const line = loggedLine({ req: { method: 'GET', url: '/v1/articles?q=ferry' } }, 'request completed');
  t.equal(fittedLine(line), line);
  const padded = (length: number) => `${JSON.stringify({ msg: 'x'.repeat(length - 11) })}\n`;
  t.equal(bytes(padded(pipeAtomicBytes)), pipeAtomicBytes);
  t.equal(fittedLine(padded(pipeAtomicBytes)), padded(pipeAtomicBytes), 'up to 4096 bytes');
  t.not(fittedLine(padded(pipeAtomicBytes + 1)), padded(pipeAtomicBytes + 1), 'not one byte more');
});

t.test("a client's long URL is cut to 512 characters and the line marked truncated", async (t) => {
  const url = `/v1/articles?q=${'ferry'.repeat(3_200)}`;
  const fields = { reqId: 'r-1', req: { method: 'GET', url }, res: { statusCode: 400 } };
  const line = loggedLine(fields, 'request completed');
  t.ok(bytes(line) > 16_000);
  const fitted = fittedLine(line);
  t.ok(bytes(fitted) <= pipeAtomicBytes);
  t.ok(fitted.endsWith('}\n'), 'a whole line');
  const entry = JSON.parse(fitted);
  t.match(entry, { level: 30, reqId: 'r-1', req: { method: 'GET' }, res: { statusCode: 400 } });
  t.equal(entry.req.url, url.slice(0, 512));
  t.equal(entry.msg, 'request completed');
  t.equal(entry.truncated, true);
});

t.test('the limit is in bytes: a line of two-byte characters under 4096 characters is cut too', async (t) => {
  const line = loggedLine({ title: 'é'.repeat(2_100) }, 'ingested');
  t.ok(line.length < pipeAtomicBytes && bytes(line) > pipeAtomicBytes);
  const entry = JSON.parse(fittedLine(line));
  t.equal(entry.title, 'é'.repeat(512));
  t.equal(entry.truncated, true);
});

t.test('a line of many strings, each short, keeps only what identifies it', async (t) => {
  const fields = Object.fromEntries(
    Array.from({ length: 40 }, (_, index) => [`field${index}`, 'y'.repeat(400)]),
  );
  const line = loggedLine({ reqId: 'r-2', ...fields }, 'm'.repeat(2_000));
  const fitted = fittedLine(line);
  t.ok(bytes(fitted) <= pipeAtomicBytes);
  const entry = JSON.parse(fitted);
  t.same(Object.keys(entry), ['level', 'time', 'pid', 'hostname', 'reqId', 'msg', 'truncated']);
  t.equal(entry.reqId, 'r-2');
  t.equal(entry.msg, 'm'.repeat(128));
});

t.test('a line of escaped characters only still fits, its request id cut too', async (t) => {
  const control = '\u0001'.repeat(3_000);
  const line = loggedLine({ reqId: control }, control);
  const fitted = fittedLine(line);
  t.ok(bytes(fitted) <= pipeAtomicBytes, `${bytes(fitted)} bytes`);
  const entry = JSON.parse(fitted);
  t.equal(entry.reqId, '\u0001'.repeat(128));
  t.equal(entry.msg, '\u0001'.repeat(128));
});

t.test('a string is never cut between the halves of a surrogate pair', async (t) => {
  const line = loggedLine({ note: `x${'😀'.repeat(2_000)}` }, 'ingested');
  const { note } = JSON.parse(fittedLine(line)) as { note: string };
  t.equal(note, `x${'😀'.repeat(255)}`, 'the pair the cut falls in is left out');
  t.equal(Buffer.from(note).toString(), note, 'no half pair left, which UTF-8 cannot encode');
});
