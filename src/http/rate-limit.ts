import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { TooManyRequests } from '../lib/errors.js';
import type { Services } from '../services/index.js';
import { callerOf } from './auth.js';

/**
 * Per-client limits: a caller with a valid API key is counted by that key's id, everyone else (no
 * key, or one that does not verify) by IP, so inventing keys buys no new budget. Past the limit the
 * answer is a 429 problem with Retry-After. Registered before the routes so it covers them all;
 * `exemptOperationalRoutes` keeps probes, metrics and the document out of it.
 */
export async function registerRateLimit(app: FastifyInstance, services: Services, perMinute: number) {
  if (perMinute <= 0) return;
  await app.register(fastifyRateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: async (request) => {
      if (!request.headers.authorization) return `ip:${request.ip}`;
      try {
        return `key:${(await callerOf(services, request)).id}`;
      } catch {
        return `ip:${request.ip}`;
      }
    },
    errorResponseBuilder: (_request, context) =>
      new TooManyRequests(
        `More than ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
}
