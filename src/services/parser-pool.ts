import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RawArticle } from '../ingest/types.js';
import { ServiceUnavailable, Unprocessable } from '../lib/errors.js';
import type { ParseResult, ParseTask } from './parse-worker.js';

export interface ParserPoolOptions {
  /** Worker threads; defaults to the CPU count. */
  threads?: number;
  /** Longest one document may take to parse before it is refused and its worker replaced. */
  timeoutMs: number;
  /** Heap one worker may use; a document that needs more is refused and its worker replaced. */
  memoryMb: number;
  /** The worker module; Gazette's own unless a test gives another. */
  workerFile?: string;
}

export interface ParserPool {
  /** Parses in a worker thread; the event loop stays free for other requests meanwhile. */
  parse(raw: RawArticle): Promise<ParseResult>;
  readonly threads: number;
  close(): Promise<void>;
}

/** From TypeScript sources the worker is a small bootstrap that loads tsx; built, it is plain `.js`. */
const parseWorkerFile = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './parse-worker-tsx.mjs' : './parse-worker.js', import.meta.url),
);

/** Why a parse was stopped: its own time ran out, or its pool can no longer start workers. */
const timeUp = Symbol('time up');
const poolBroken = Symbol('pool broken');

/** A Piscina pool and the parses waiting in it for a worker to take their document. */
interface Generation {
  piscina: Piscina<ParseTask, ParseResult>;
  waiting: Set<AbortController>;
}

export function createParserPool(options: ParserPoolOptions): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const seconds = `${Math.round(options.timeoutMs / 100) / 10} s`;
  const retired = new Set<Promise<void>>();

  function startGeneration(): Generation {
    const piscina = new Piscina<ParseTask, ParseResult>({
      filename: options.workerFile ?? parseWorkerFile,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: {
        maxOldGenerationSizeMb: options.memoryMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.round(options.memoryMb / 8))),
      },
    });
    const generation: Generation = { piscina, waiting: new Set() };
    // Piscina reports a worker that failed while loading only with this event, and then starts no
    // other: the documents waiting for one would wait for ever. They are answered 503 instead, and
    // later documents get a fresh pool, as the cause may have passed (memory, a file being replaced).
    piscina.on('error', () => {
      if (current !== generation) return;
      current = startGeneration();
      for (const waiting of generation.waiting) waiting.abort(poolBroken);
      const closing = piscina.close().finally(() => retired.delete(closing));
      retired.add(closing);
    });
    return generation;
  }
  let current = startGeneration();

  return {
    threads,
    async parse(raw) {
      const { piscina, waiting } = current;
      // The clock starts when a worker takes the document, not while it waits in the queue or
      // while a fresh worker loads the parser.
      const { port1: started, port2: startedInWorker } = new MessageChannel();
      const deadline = new AbortController();
      waiting.add(deadline);
      let timer: NodeJS.Timeout | undefined;
      started.once('message', () => {
        waiting.delete(deadline);
        timer = setTimeout(() => deadline.abort(timeUp), options.timeoutMs);
      });
      try {
        // Aborting a running task terminates its worker; Piscina starts a fresh one in its place.
        return await piscina.run(
          { raw, started: startedInWorker },
          { signal: deadline.signal, transferList: [startedInWorker] },
        );
      } catch (error) {
        if (deadline.signal.reason === timeUp) throw timedOut(seconds);
        if (deadline.signal.reason === poolBroken) throw parserUnavailable();
        throw outOfMemory(error, options.memoryMb) ?? error;
      } finally {
        waiting.delete(deadline);
        clearTimeout(timer);
        started.close();
      }
    },
    async close() {
      await Promise.all([current.piscina.destroy(), ...retired]);
    },
  };
}

function parserUnavailable(): ServiceUnavailable {
  return new ServiceUnavailable(
    'The parser workers could not start, so the document was not parsed; retry in a moment.',
  );
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
