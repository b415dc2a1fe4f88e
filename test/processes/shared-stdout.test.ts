import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';

const writers = 4;
const linesEach = 5_000;
/** How fast the pipe is read: slower than the writers fill it, as a busy log shipper reads. */
const readBytesPerMs = 1_000;

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
  const longUrl = '/v1/articles?q=' + 'ferry'.repeat(2400);
  let line = 0;
  const burst = () => {
    for (let k = 0; k < 500 && line < ${linesEach}; k++) {
      const url = line % 50 === 0 ? longUrl : '/v1/articles';
      log.info({ line: line++, req: { url }, padding }, 'request completed');
    }
    if (line < ${linesEach}) setImmediate(burst);
  };
  burst();
`;

t.test('workers sharing one stdout pipe never cut each other’s log lines', async (t) => {
  // A named pipe, as Docker gives a container's stdout: Node's own 'pipe' stdio is a socket pair.
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-stdout-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const fifo = path.join(directory, 'stdout');
  execFileSync('mkfifo', [fifo]);
  // The shell makes the pipe its stdout, and every writer inherits it, as the cluster's workers do.
  const command = Array.from(
    { length: writers },
    () => `node --import tsx --input-type=module -e "$WRITER" &`,
  ).join(' ');
  const shell = spawn('sh', ['-c', `exec > "$FIFO"; ${command} wait`], {
    env: { ...process.env, WRITER: writer, FIFO: fifo },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const output = createReadStream(fifo, { highWaterMark: 4096 });
  let rest = '';
  let whole = 0;
  let tooLong = 0;
  const broken: string[] = [];
  output.on('data', (chunk) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      try {
        JSON.parse(line);
        whole++;
        if (Buffer.byteLength(line) >= 4096) tooLong++;
      } catch {
        broken.push(line.slice(0, 120));
      }
    }
    output.pause();
    setTimeout(() => output.resume(), chunk.length / readBytesPerMs);
  });
  const [code] = await once(shell, 'exit');
  if (!output.readableEnded) await once(output, 'end');
  t.equal(code, 0);
  t.equal(rest, '', 'the output ends with a whole line');
  t.same(broken.slice(0, 3), [], `every line is whole JSON (${broken.length} not)`);
  t.equal(whole, writers * linesEach);
  t.equal(tooLong, 0, 'no line, with its newline, is longer than one write');
});
