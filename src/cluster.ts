import cluster, { type Worker } from 'node:cluster';
import { Gauge } from 'prom-client';
import { buildCommandApp, withApp } from './command-app.js';
import type { Config } from './config.js';
import { migrateStorage } from './db/open.js';
import { startServer } from './server.js';
import { seedIfEmpty } from './services/seed.js';
import { workerPoolEnvironment } from './worker-pools.js';

/** How long stopping workers may take to finish their requests before they are killed. */
const stopGraceMs = 30_000;
/** A worker that lived this long before dying counts as a fresh crash, not part of a loop. */
const crashWindowMs = 60_000;
const maxBackOffMs = 30_000;

/**
 * `gazette serve`: one process, or with `workers` above 1 a primary that migrates and seeds once,
 * then keeps that many worker processes serving on the same port.
 */
export async function serve(config: Config): Promise<void> {
  if (cluster.isWorker) await startWorker(config);
  else if (config.workers > 1) await startPrimary(config);
  else await startServer(config);
}

/** Applies migrations, and seeds an empty database when configured to, before any worker starts. */
async function prepareDatabase(config: Config): Promise<void> {
  if (!config.seedOnEmpty) {
    await migrateStorage(config.database);
    return;
  }
  const summary = await withApp(
    () => buildCommandApp(config),
    (app) => seedIfEmpty(app.services.catalog, app.services.ingest),
  );
  if (summary) log(config, `seeded an empty database: ${summary.created} created`);
}

function log(config: Config, message: string): void {
  if (config.logLevel !== 'silent' && config.logLevel !== 'fatal')
    console.error(`gazette primary: ${message}`);
}

async function startPrimary(config: Config): Promise<void> {
  await prepareDatabase(config);
  // Workers neither migrate anything nor seed: the primary has done both.
  const environment = { ...workerPoolEnvironment(config), SEED_ON_EMPTY: 'false' };
  const live = new Set<Worker>();
  const crashes: number[] = [];
  let listening = false;
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork(environment);
    live.add(worker);
    worker.once('listening', () => {
      listening = true;
    });
  };

  const stop = (signal: string, code: number) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    log(config, `${signal}: stopping ${live.size} workers after their in-flight requests`);
    for (const worker of live) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
      process.exit(1);
    }, stopGraceMs).unref();
    if (live.size === 0) process.exit(code);
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    log(config, `worker ${worker.process.pid} exited (${signal ?? code})`);
    // A worker failing before any has listened (a port in use, a bad file) would fail again.
    if (!listening) return stop('no worker could start', 1);
    const now = Date.now();
    crashes.push(now);
    while (crashes[0]! < now - crashWindowMs) crashes.shift();
    const delay = crashes.length <= 1 ? 0 : Math.min(maxBackOffMs, 500 * 2 ** (crashes.length - 2));
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  process.once('SIGTERM', () => stop('SIGTERM', 0));
  process.once('SIGINT', () => stop('SIGINT', 0));
  for (let index = 0; index < config.workers; index++) fork();
  log(config, `${config.workers} workers serving on ${config.host}:${config.port}`);
}

/** One worker: the whole app, listening on the port the primary shares out. */
async function startWorker(config: Config): Promise<void> {
  const app = await startServer(config);
  // Each scrape of /metrics reaches one worker; this series says which.
  const info = new Gauge({
    name: 'gazette_worker_info',
    help: 'The worker process that answered this scrape (several processes serve on one port).',
    labelNames: ['worker', 'pid'] as const,
    registers: [app.metrics.registry],
  });
  info.set({ worker: String(cluster.worker?.id ?? 0), pid: String(process.pid) }, 1);
}
