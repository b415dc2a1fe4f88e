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
import { createReadPool, offloadExpensiveReads } from './db/read-pool.js';
import { articleRoutes } from './http/articles.js';
import { authorRoutes } from './http/authors.js';
import { registerCaching } from './http/caching.js';
import { registerCompression } from './http/compression.js';
import { registerCors } from './http/cors.js';
import { registerBodyDrain } from './http/drain.js';
import { feedRoutes } from './http/feeds/routes.js';
import { healthRoutes } from './http/health.js';
import { ingestRoutes } from './http/ingest.js';
import { createMetrics, metricsRoutes, registerRequestMetrics } from './http/metrics.js';
import { registerOpenApi } from './http/openapi.js';
import { exemptOperationalRoutes } from './http/operational.js';
import { problemPages } from './http/problem-types.js';
import { frameworkProblem, registerProblemHandlers } from './http/problems.js';
import { registerPublicUrl } from './http/public-url.js';
import { registerRateLimit } from './http/rate-limit.js';
import { relatedRoutes } from './http/related.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { compiledSerializerCompiler } from './http/serializer.js';
import { serviceIndexRoutes } from './http/service-index.js';
import { tagRoutes } from './http/tags.js';
import { createServices, type Services } from './services/index.js';
import { createParserPool, type ParserPool } from './services/parser-pool.js';

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
  /** A parser pool shared by several apps (tests); the app then leaves closing it to its owner. */
  parser?: ParserPool;
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
  const metrics = createMetrics(config.databasePath);
  const ownsParser = options.parser === undefined;
  const parser =
    options.parser ??
    createParserPool({
      threads: config.parseThreads,
      timeoutMs: config.parseTimeoutMs,
      memoryMb: config.parseMemoryMb,
    });
  const services = createServices(
    readPool ? offloadExpensiveReads(repositories, readPool, db.$client) : repositories,
    config,
    parser,
    metrics.ingestObserver,
  );

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
    if (ownsParser) await parser.close();
    await readPool?.close();
    db.$client.close();
  });

  registerProblemHandlers(app);

  registerPublicUrl(app, config);
  await registerSecurityHeaders(app);
  // Browsers, proxies and operators. Before the rate limiter: CORS headers reach 429s too, and the
  // exemption must mark operational routes before the limiter sees them.
  await registerCors(app, config.corsOrigins);
  registerBodyDrain(app);
  await registerCompression(app);
  exemptOperationalRoutes(app);
  registerRequestMetrics(app, metrics);
  // End of browsers, proxies and operators.

  await registerRateLimit(app, services, config.rateLimitPerMinute);
  registerCaching(app);
  await registerOpenApi(app);
  await app.register(serviceIndexRoutes);
  await app.register(problemPages);
  await app.register(metricsRoutes, { metrics });
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
