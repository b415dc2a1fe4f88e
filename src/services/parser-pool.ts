import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ParseOutcome, RawArticle } from '../ingest/types.js';
import { Unprocessable } from '../lib/errors.js';

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
  parse(raw: RawArticle): Promise<ParseOutcome>;
  readonly threads: number;
  close(): Promise<void>;
}

/** From TypeScript sources the worker is a small bootstrap that loads tsx; built, it is plain `.js`. */
const workerFile = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './parse-worker-tsx.mjs' : './parse-worker.js', import.meta.url),
);

/** Counts tasks in flight so that a document's time limit runs from when a worker takes it, not while it queues. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export function createParserPool(options: ParserPoolOptions): ParserPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const piscina = new Piscina<RawArticle, ParseOutcome>({
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
  const slots = new Slots(threads);
  const seconds = `${Math.round(options.timeoutMs / 100) / 10} s`;

  return {
    threads,
    async parse(raw) {
      await slots.take();
      try {
        // Aborting a running task terminates its worker; Piscina starts a fresh one in its place.
        return await piscina.run(raw, { signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        throw refusal(error, seconds, options.memoryMb) ?? error;
      } finally {
        slots.give();
      }
    },
    async close() {
      await piscina.destroy();
    },
  };
}

/** A document that exhausted its time or memory is the client's problem (422), not the server's. */
function refusal(error: unknown, seconds: string, memoryMb: number): Unprocessable | null {
  const name = (error as { name?: string } | null)?.name;
  const code = (error as { code?: string } | null)?.code;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new Unprocessable(
      `Parsing took longer than ${seconds}, so the document was refused; it is too large or too deeply nested to be an article.`,
    );
  }
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new Unprocessable(
      `Parsing needed more than ${memoryMb} MB of memory, so the document was refused; it is too large to be an article.`,
    );
  }
  return null;
}
