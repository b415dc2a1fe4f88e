import type { IncomingMessage } from 'node:http';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { openStorage } from './db/open.js';
import type { DatabaseCheck } from './domain/ports.js';
import { articleRoutes } from './http/articles.js';
import { authorRoutes } from './http/authors.js';
import { caching } from './http/caching.js';
import { changeRoutes } from './http/changes.js';
import { compression } from './http/compression.js';
import { corsPolicy } from './http/cors.js';
import { bodyDrain } from './http/drain.js';
import { editingRoutes } from './http/editing.js';
import { feedRoutes } from './http/feeds/routes.js';
import { healthRoutes } from './http/health.js';
import { ingestRoutes } from './http/ingest.js';
import { serverLogOptions } from './http/log-destination.js';
import { createMetrics, type Metrics, metricsRoutes, requestMetrics } from './http/metrics.js';
import { openApi } from './http/openapi.js';
import { operationalExemption } from './http/operational.js';
import { problemPages } from './http/problem-types.js';
import { frameworkProblem, problemHandling } from './http/problems.js';
import { publicUrl } from './http/public-url.js';
import { rateLimit } from './http/rate-limit.js';
import { relatedRoutes } from './http/related.js';
import { responseCache } from './http/response-cache.js';
import { securityHeaders } from './http/security-headers.js';
import { compiledSerializerCompiler } from './http/serializer.js';
import { serviceIndexRoutes } from './http/service-index.js';
import { servicesDecorator } from './http/services.js';
import { tagRoutes } from './http/tags.js';
import { webhookRoutes } from './http/webhooks.js';
import { createServices, type Services } from './services/index.js';
import { createParserPool, type ParserPool } from './services/parser-pool.js';

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

/** What a client's own request id may be: up to 200 visible ASCII characters but `"` and `\`. */
const clientRequestId = /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/;

/**
 * The client's own `X-Request-Id` when it is a plausible id, otherwise a new UUID: it is echoed on
 * the response and written in every log line of the request, so a client cannot fill either with
 * kilobytes or with spaces and quotes.
 */
function requestIdOf(request: IncomingMessage): string {
  const id = request.headers['x-request-id'];
  return typeof id === 'string' && clientRequestId.test(id) ? id : crypto.randomUUID();
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

/** What the app runs on: the database, its services and metrics, and how to let them go. */
interface Backend {
  services: Services;
  metrics: Metrics;
  checkDatabase: () => Promise<DatabaseCheck>;
  dataVersion: (() => string) | undefined;
  close: () => Promise<void>;
}

/** Opens and migrates the database, starts the parser (and SQLite's read workers), and wires the services. */
async function openBackend(config: Config, options: BuildOptions): Promise<Backend> {
  const storage = await openStorage(config.database, {
    searchSampleSize: config.searchSampleSize,
    searchWorkers: config.searchWorkers,
    searchTimeoutMs: config.searchTimeoutMs,
    readWorkers: options.readWorkers !== false,
  });
  const metrics = createMetrics(storage.sizeBytes);
  const parser =
    options.parser ??
    createParserPool({
      threads: config.parseThreads,
      timeoutMs: config.parseTimeoutMs,
      memoryMb: config.parseMemoryMb,
    });
  const services = createServices(storage.repositories, config, parser, metrics.ingestObserver, (outcome) =>
    metrics.webhookDeliveries.inc({ outcome }),
  );
  return {
    services,
    metrics,
    checkDatabase: storage.check,
    dataVersion: storage.dataVersion,
    async close() {
      // Deliveries under way are aborted and stay due, before the database they record to closes.
      await services.webhookDispatcher.stop();
      // A parser pool passed in is shared; its owner closes it.
      if (options.parser === undefined) await parser.close();
      await storage.close();
    },
  };
}

/** The Fastify instance with Gazette's server options, validator and serializer, before any plugin. */
function createServer(config: Config, options: BuildOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? serverLogOptions(config.logLevel),
    logController: new OneLinePerRequest(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // `/v1/articles/` is `/v1/articles`, not a surprise 404; no id or slug is longer than 200 characters.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkProblem,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compiledSerializerCompiler);
  // Node closes idle keep-alive connections once, as closing starts; a response finished after that
  // closes its connection too, or shutting down would wait for it until its keep-alive timeout (72 s).
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return app;
}

/**
 * The plugins, in the order their hooks run: each declares the plugins it needs before it, and
 * Fastify refuses to start when one is missing or comes later.
 */
async function registerPlugins(app: FastifyInstance, config: Config, backend: Backend) {
  await app.register(servicesDecorator, { services: backend.services });
  await app.register(publicUrl, { config });
  await app.register(problemHandling);
  await app.register(securityHeaders);
  // Browsers, proxies and operators, all before the rate limiter.
  await app.register(corsPolicy, { corsOrigins: config.corsOrigins });
  await app.register(bodyDrain);
  await app.register(compression);
  await app.register(operationalExemption);
  await app.register(requestMetrics, { metrics: backend.metrics });
  await app.register(rateLimit, { perMinute: config.rateLimitPerMinute });
  await app.register(caching);
  await app.register(responseCache, {
    dataVersion: backend.dataVersion,
    maxBytes: config.responseCacheBytes,
  });
  await app.register(openApi);

  await app.register(serviceIndexRoutes);
  await app.register(problemPages);
  await app.register(metricsRoutes);
  await app.register(healthRoutes, { checkDatabase: backend.checkDatabase });
  await app.register(articleRoutes);
  await app.register(relatedRoutes);
  await app.register(feedRoutes);
  await app.register(authorRoutes);
  await app.register(tagRoutes);
  await app.register(ingestRoutes);
  await app.register(changeRoutes);
  await app.register(webhookRoutes);
  await app.register(editingRoutes);
}

/**
 * Builds the whole Gazette app on one database: migrations applied, services wired, routes
 * registered. The server, the CLI and every test use this, so they all run the same app.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const backend = await openBackend(config, options);
  const app = createServer(config, options);
  app.addHook('onClose', backend.close);
  // Webhooks go out only from a server that listens, never from a one-shot command.
  app.addHook('onListen', async () => {
    backend.services.webhookDispatcher.start((error) =>
      app.log.error({ err: error }, 'webhook delivery failed to record'),
    );
  });
  await registerPlugins(app, config, backend);
  await app.ready();
  return app;
}
