import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { logWritten } from './http/log-destination.js';
import { seedIfEmpty } from './services/seed.js';

/** Builds the app, seeds an empty database when configured to, listens, and closes cleanly on signals. */
export async function startServer(config: Config): Promise<FastifyInstance> {
  const app = await buildApp(config);
  if (config.seedOnEmpty) {
    const summary = await seedIfEmpty(app.services.catalog, app.services.ingest);
    if (summary)
      app.log.info({ created: summary.created, rejected: summary.rejected }, 'seeded an empty database');
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // close() stops accepting connections, waits for in-flight requests, then runs onClose (the DB).
    app.close().then(
      () => logWritten(app.log).then(() => process.exit(0)),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        return logWritten(app.log).then(() => process.exit(1));
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  return app;
}
