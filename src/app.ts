import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { checkDatabase, type Db, migrateDatabase, openDatabase } from './db/connection.js';
import { createRepositories } from './db/index.js';
import { createReadPool, offloadExpensiveReads } from './db/read-pool.js';
import { articleRoutes } from './http/articles.js';
import { authorRoutes } from './http/authors.js';
import { registerCaching } from './http/caching.js';
import { feedRoutes } from './http/feeds/routes.js';
import { healthRoutes } from './http/health.js';
import { ingestRoutes } from './http/ingest.js';
import { registerOpenApi } from './http/openapi.js';
import { frameworkProblem, registerProblemHandlers } from './http/problems.js';
import { registerRateLimit } from './http/rate-limit.js';
import { relatedRoutes } from './http/related.js';
import { compiledSerializerCompiler } from './http/serializer.js';
import { tagRoutes } from './http/tags.js';
import { createServices, type Services } from './services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface BuildOptions {
  /** Pino options, or false for silence (tests). */
  logger?: boolean | object;
  /**
   * Search, facets and related articles on worker threads (the default). A one-shot command turns
   * them off: it serves no concurrent requests, and starting the workers would cost more than it runs.
   */
  readWorkers?: boolean;
}

/**
 * Builds the whole Gazette app on one database: migrations applied, services wired, routes
 * registered. The server, the CLI and every test use this, so they all run the same app.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const db: Db = openDatabase(config.databasePath);
  migrateDatabase(db);
  // An in-memory database exists only on this connection, so its reads cannot move to workers.
  const readPool =
    config.databasePath === ':memory:' || options.readWorkers === false
      ? undefined
      : createReadPool({
          databasePath: config.databasePath,
          searchSampleSize: config.searchSampleSize,
          size: config.searchWorkers,
          timeoutMs: config.searchTimeoutMs,
        });
  const repositories = createRepositories(db, { searchSampleSize: config.searchSampleSize });
  const services = createServices(
    readPool ? offloadExpensiveReads(repositories, readPool, db.$client) : repositories,
    config,
  );

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // `/v1/articles/` is `/v1/articles`, not a surprise 404; no id or slug is longer than 200 characters.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkProblem,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compiledSerializerCompiler);
  app.decorate('services', services);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onClose', async () => {
    await readPool?.close();
    db.$client.close();
  });

  registerProblemHandlers(app);
  await registerRateLimit(app, config.rateLimitPerMinute);
  registerCaching(app);
  await registerOpenApi(app);
  await app.register(healthRoutes, { checkDatabase: () => checkDatabase(db) });
  await app.register(articleRoutes, { services });
  await app.register(relatedRoutes, { services });
  await app.register(feedRoutes, { services });
  await app.register(authorRoutes, { services });
  await app.register(tagRoutes, { services });
  await app.register(ingestRoutes, { services, bodyLimitBytes: config.bodyLimitBytes });
  await app.ready();
  return app;
}
