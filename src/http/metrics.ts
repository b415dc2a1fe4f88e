import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { IngestObserver } from '../services/ingest.js';
import { routePlugin } from './route-plugin.js';

export interface Metrics {
  registry: Registry;
  /** Counts parse time and outcomes as ingest reports them. */
  ingestObserver: IngestObserver;
  /** Webhook delivery attempts, by outcome (`success`: a 2xx; `failure`: anything else). */
  webhookDeliveries: Counter<'outcome'>;
}

/**
 * The Prometheus metrics of one app, on a registry of its own (so several apps in one process, as
 * in the tests, never share counters). Process metrics include event-loop lag
 * (`nodejs_eventloop_lag_seconds` and its percentiles).
 */
export function createMetrics(databaseBytes: () => Promise<number>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const parseSeconds = new Histogram({
    name: 'gazette_ingest_parse_seconds',
    help: 'Time to parse one raw article into a structured one.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const ingestOutcomes = new Counter({
    name: 'gazette_ingest_articles_total',
    help: 'Articles ingested, by outcome: created, duplicate, or rejected (by the parser or the store).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Present from the start so a dashboard sees zeros, not gaps.
  for (const outcome of ['created', 'duplicate', 'rejected']) ingestOutcomes.inc({ outcome }, 0);

  new Gauge({
    name: 'gazette_database_size_bytes',
    help: 'Size of the database: the SQLite file plus its write-ahead log, or pg_database_size on PostgreSQL.',
    registers: [registry],
    async collect() {
      // A database that does not answer must not take the other metrics down with it.
      await databaseBytes().then(
        (bytes) => this.set(bytes),
        () => {},
      );
    },
  });

  const webhookDeliveries = new Counter({
    name: 'gazette_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['success', 'failure']) webhookDeliveries.inc({ outcome }, 0);

  return {
    registry,
    webhookDeliveries,
    ingestObserver: {
      parsed: (seconds) => parseSeconds.observe(seconds),
      finished: (outcome) => ingestOutcomes.inc({ outcome }),
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus metrics, served at /metrics. */
    metrics: Metrics;
  }
}

/**
 * Times every request by route pattern (`/v1/articles/:idOrSlug`, never the raw URL, so the series
 * stay few) and status, on the app's `metrics`.
 */
export const requestMetrics = fp<{ metrics: Metrics }>(
  async (app, { metrics }) => {
    app.decorate('metrics', metrics);
    const requestSeconds = new Histogram({
      name: 'gazette_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by route pattern and status.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });

    app.addHook('onResponse', (request, reply, done) => {
      requestSeconds.observe(
        {
          method: request.method,
          // Requests no route matched (404s) share one series, whatever their URL.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  },
  { name: 'gazette-request-metrics', fastify: '5.x' },
);

/**
 * `GET /metrics` in the Prometheus text format. It is for operators, not API clients: documented
 * under Operations and, like every route outside `/v1/`, out of rate limiting.
 */
export const metricsRoutes = routePlugin(
  'gazette-metrics-routes',
  async (app) => {
    const { metrics } = app;
    app.get(
      '/metrics',
      {
        logLevel: 'warn',
        schema: {
          operationId: 'getMetrics',
          summary: 'Metrics in the Prometheus text format',
          description:
            'Request, ingest, event-loop and database metrics for a Prometheus scraper (text format 0.0.4).',
          tags: ['Operations'],
          querystring: z.strictObject({}),
          response: {
            200: {
              description: 'The current metrics.',
              content: {
                'text/plain': {
                  schema: z.string().describe('Prometheus exposition text, one sample a line.'),
                },
              },
            },
          },
        },
      },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  },
  ['gazette-request-metrics'],
);
