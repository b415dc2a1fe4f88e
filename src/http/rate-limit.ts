import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { TooManyRequests } from '../lib/errors.js';
import { callerOf } from './auth.js';

/**
 * Per-client limits: a caller with a valid API key is counted by that key's id, everyone else (no
 * key, or one that does not verify) by IP, so inventing keys buys no new budget. Past the limit the
 * answer is a 429 problem with Retry-After. Registered before the routes so it covers them all;
 * the operational exemption keeps probes, metrics and the document out of it, and CORS headers reach
 * the 429s. A limit of 0 turns it off.
 */
export const rateLimit = fp<{ perMinute: number }>(
  async (app, { perMinute }) => {
    if (perMinute <= 0) return;
    const { services } = app;
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
  },
  {
    name: 'gazette-rate-limit',
    fastify: '5.x',
    dependencies: ['gazette-services', 'gazette-cors', 'gazette-operational-exemption'],
  },
);
