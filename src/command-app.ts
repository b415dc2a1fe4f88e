import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';

/** An app for one command: no request logs and no read workers to start. */
export function buildCommandApp(config: Config): Promise<FastifyInstance> {
  return buildApp(config, { logger: false, readWorkers: false });
}

/**
 * Runs one command on an app of its own and closes the app however the command ends, so a command
 * that fails leaves no database open and no parser threads running.
 */
export async function withApp<T>(
  open: () => Promise<FastifyInstance>,
  command: (app: FastifyInstance) => Promise<T>,
): Promise<T> {
  const app = await open();
  try {
    return await command(app);
  } finally {
    await app.close();
  }
}
