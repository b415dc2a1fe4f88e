import { createHash } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { TooManyRequests } from '../lib/errors.js';

/**
 * Per-client limits: callers with an API key are counted by key, everyone else by IP. Past the limit
 * the answer is a 429 problem with Retry-After. Registered before the routes so it covers them all.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number) {
  if (perMinute <= 0) return;
  await app.register(fastifyRateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const authorization = request.headers.authorization;
      // Hashed so the limiter's memory never holds a usable key.
      return authorization
        ? `key:${createHash('sha256').update(authorization).digest('hex')}`
        : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new TooManyRequests(
        `More than ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
}
