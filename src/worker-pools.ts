import { availableParallelism } from 'node:os';
import type { Config } from './config.js';

/**
 * Thread pool sizes for one of `workers` processes: the single-process defaults divided among them
 * (at least 1 each), so N processes do not start N times the threads the cores can run. A size set
 * explicitly is kept as it is.
 */
export function workerPoolEnvironment(
  config: Config,
  cores = availableParallelism(),
): Record<string, string> {
  // Defaults of the parser pool (one per core) and the read pool (one per core but one, 2 to 4).
  const parse = config.parseThreads ?? Math.max(1, Math.floor(cores / config.workers));
  const read =
    config.searchWorkers ?? Math.max(1, Math.floor(Math.min(4, Math.max(2, cores - 1)) / config.workers));
  return { PARSE_THREADS: String(parse), SEARCH_WORKERS: String(read) };
}
