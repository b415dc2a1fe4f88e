import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { freePort } from '../support/processes.js';

const root = path.resolve(import.meta.dirname, '../..');
const writers = 4;
const linesEach = 5_000;
/** How fast the pipe is read: slower than the writers fill it, as a busy log shipper reads. */
const readBytesPerMs = 1_000;
/** A URL the server logs as it came: 12 KB, three times what Linux writes to a pipe in one piece. */
const longUrl = `/v1/articles?q=${'ferry'.repeat(2400)}`;

/**
 * One writer, as a worker of `serve --workers N` logs: pino with Gazette's server options on the
 * stdout it shares, lines of about 500 bytes and every 50th with a 12 KB URL, in bursts that fill
 * the destination's buffer.
 */
const writer = `
  const { default: pino } = await import('pino');
  const { serverLogOptions } = await import(${JSON.stringify(new URL('../../src/http/log-destination.ts', import.meta.url).href)});
  const { stream, ...options } = serverLogOptions('info');
  const log = pino(options, stream);
  const padding = 'x'.repeat(400);
  let line = 0;
  const burst = () => {
    for (let k = 0; k < 500 && line < ${linesEach}; k++) {
      const url = line % 50 === 0 ? ${JSON.stringify(longUrl)} : '/v1/articles';
      log.info({ line: line++, req: { url }, padding }, 'request completed');
    }
    if (line < ${linesEach}) setImmediate(burst);
  };
  burst();
`;

/**
 * A named pipe, as Docker gives a container's stdout (Node's own 'pipe' stdio is a socket pair,
 * where the damage does not show), read at `readBytesPerMs`; what arrived through it, by line.
 */
function slowlyReadPipe(t: Test) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-stdout-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const fifo = path.join(directory, 'stdout');
  execFileSync('mkfifo', [fifo]);
  const read = { whole: 0, truncated: 0, tooLong: 0, broken: [] as string[], rest: '' };
  const output = createReadStream(fifo, { highWaterMark: 4096 });
  output.on('data', (chunk) => {
    const lines = (read.rest + chunk.toString('utf8')).split('\n');
    read.rest = lines.pop()!;
    for (const line of lines) {
      try {
        if (JSON.parse(line).truncated === true) read.truncated++;
        read.whole++;
        if (Buffer.byteLength(line) >= 4096) read.tooLong++;
      } catch {
        read.broken.push(line.slice(0, 120));
      }
    }
    output.pause();
    setTimeout(() => output.resume(), chunk.length / readBytesPerMs);
  });
  const ended = async () => {
    if (!output.readableEnded) await once(output, 'end');
    return read;
  };
  return { fifo, ended };
}

t.test('workers sharing one stdout pipe never cut each other’s log lines', async (t) => {
  const pipe = slowlyReadPipe(t);
  // The shell makes the pipe its stdout, and every writer inherits it, as the cluster's workers do.
  const command = Array.from(
    { length: writers },
    () => `node --import tsx --input-type=module -e "$WRITER" &`,
  ).join(' ');
  const shell = spawn('sh', ['-c', `exec > "$FIFO"; ${command} wait`], {
    env: { ...process.env, WRITER: writer, FIFO: pipe.fifo },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [code] = await once(shell, 'exit');
  const read = await pipe.ended();
  t.equal(code, 0);
  t.equal(read.rest, '', 'the output ends with a whole line');
  t.same(read.broken.slice(0, 3), [], `every line is whole JSON (${read.broken.length} not)`);
  t.equal(read.whole, writers * linesEach);
  t.equal(read.tooLong, 0, 'no line, with its newline, is longer than one write');
  t.equal(read.truncated, (writers * linesEach) / 50, 'the lines with a long URL are cut short');
});

t.test('serve --workers 2 on a shared stdout pipe: requests with 12 KB URLs never cut a line', async (t) => {
  t.setTimeout(90_000);
  const pipe = slowlyReadPipe(t);
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-stdout-server-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${await freePort()}`;
  let errors = '';
  const server = spawn('sh', ['-c', `exec > "$FIFO"; exec node --import tsx src/cli.ts serve --workers 2`], {
    cwd: root,
    env: {
      ...process.env,
      FIFO: pipe.fifo,
      PORT: new URL(url).port,
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${path.join(directory, 'gazette.db')}`,
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  t.teardown(() => server.kill('SIGKILL'));
  for (
    let waited = 0;
    !(await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    ));
    waited++
  ) {
    if (waited > 600) throw new Error(`gazette serve did not answer:\n${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // Eight clients for three seconds, every fifth request with a 12 KB URL (a 400, logged with it).
  let sent = 0;
  let long = 0;
  const stopAt = Date.now() + 3000;
  const client = async () => {
    while (Date.now() < stopAt) {
      const asLong = sent++ % 5 === 0;
      if (asLong) long++;
      await (await fetch(url + (asLong ? longUrl : '/v1/articles?limit=5'))).arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  const read = await pipe.ended();
  t.equal(code, 0, 'SIGTERM: the primary exits 0');
  t.same(read.broken.slice(0, 3), [], `every line is whole JSON (${read.broken.length} not)`);
  t.ok(read.whole >= sent, `a line for each of ${sent} requests (${read.whole} lines)`);
  t.equal(read.tooLong, 0, 'no line, with its newline, is longer than one write');
  t.ok(read.truncated >= long, `the ${long} requests with a long URL logged cut short (${read.truncated})`);
});
