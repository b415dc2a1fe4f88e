import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RawArticle } from '../ingest/types.js';
import { Unprocessable } from '../lib/errors.js';
import type { ParseResult, ParseTask } from './parse-worker.js';

export interface ParserPoolOptions {
  /** Worker threads; defaults to the CPU count. */
  threads?: number;
  /** Longest one document may take to parse before it is refused and its worker replaced. */
  timeoutMs: number;
  /** Heap one worker may use; a document that needs more is refused and its worker replaced. */
  memoryMb: number;
}

export interface ParserPool {
  /** Parses in a worker thread; the event loop stays free for other requests meanwhile. */
  parse(raw: RawArticle): Promise<ParseResult>;
  readonly threads: number;
  close(): Promise<void>;
}

/** From TypeScript sources the worker is a small bootstrap that loads tsx; built, it is plain `.js`. */
const workerFile = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './parse-worker-tsx.mjs' : './parse-worker.js', import.meta.url),
);

export function createParserPool(options: ParserPoolOptions): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const piscina = new Piscina<ParseTask, ParseResult>({
    filename: workerFile,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: {
      maxOldGenerationSizeMb: options.memoryMb,
      maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.round(options.memoryMb / 8))),
    },
  });
  // A worker that fails to start is reported by the task that needed it; without a listener the
  // event would end the process.
  piscina.on('error', () => {});
  const seconds = `${Math.round(options.timeoutMs / 100) / 10} s`;

  return {
    threads,
    async parse(raw) {
      // The clock starts when a worker takes the document, not while it waits in the queue or
      // while a fresh worker loads the parser.
      const { port1: started, port2: startedInWorker } = new MessageChannel();
      const deadline = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      started.once('message', () => {
        timer = setTimeout(() => deadline.abort(), options.timeoutMs);
      });
      try {
        // Aborting a running task terminates its worker; Piscina starts a fresh one in its place.
        return await piscina.run(
          { raw, started: startedInWorker },
          { signal: deadline.signal, transferList: [startedInWorker] },
        );
      } catch (error) {
        throw (deadline.signal.aborted && timedOut(seconds)) || outOfMemory(error, options.memoryMb) || error;
      } finally {
        clearTimeout(timer);
        started.close();
      }
    },
    async close() {
      await piscina.destroy();
    },
  };
}

function timedOut(seconds: string): Unprocessable {
  return new Unprocessable(
    `Parsing took longer than ${seconds}, so the document was refused; it is too large or too deeply nested to be an article.`,
  );
}

/** A document that exhausted its worker's memory is the client's problem (422), not the server's. */
function outOfMemory(error: unknown, memoryMb: number): Unprocessable | null {
  if ((error as { code?: string } | null)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return null;
  return new Unprocessable(
    `Parsing needed more than ${memoryMb} MB of memory, so the document was refused; it is too large to be an article.`,
  );
}
