import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Worker modules sit beside this one: `.ts` under tsx (tests, benchmarks), `.js` when built. */
const extension = path.extname(fileURLToPath(import.meta.url));

/**
 * Starts the worker thread whose module is `name` in this folder. Workers do not inherit tsx's
 * loader hooks, so from TypeScript source a worker registers tsx itself before it imports its
 * module; built JavaScript is loaded directly.
 */
export function startSiblingWorker(name: string, workerData: unknown): Worker {
  const url = new URL(`./${name}${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
