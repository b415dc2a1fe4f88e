import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { checkDatabase, type Db, migrateDatabase, openDatabase } from './db/connection.js';
import { createRepositories } from './db/index.js';
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

/**
 * One access-log line a request, written when it completes and carrying the request too, instead
 * of Fastify's two (arrival and completion): logging was a measurable share of a cheap read.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export interface BuildOptions {
  /** Pino options, or false for silence (tests). */
  logger?: boolean | object;
}

/**
 * Builds the whole Gazette app on one database: migrations applied, services wired, routes
 * registered. The server, the CLI and every test use this, so they all run the same app.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const db: Db = openDatabase(config.databasePath);
  migrateDatabase(db);
  const services = createServices(createRepositories(db), config);

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    logController: new OneLinePerRequest(),
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
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  app.addHook('onClose', async () => {
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
