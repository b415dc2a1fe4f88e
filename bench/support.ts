import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** An app on a new database file in a temporary folder; `dispose` closes it and deletes the folder. */
export async function benchApp(): Promise<{
  app: FastifyInstance;
  databasePath: string;
  dispose: () => Promise<void>;
}> {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-bench-'));
  const databasePath = path.join(directory, 'gazette.db');
  const app = await buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'silent' }), {
    logger: false,
  });
  return {
    app,
    databasePath,
    dispose: async () => {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === new URL(url).pathname;
}
