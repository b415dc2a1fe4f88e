import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Response headers a browser script may read beyond the CORS-safelisted ones. */
const exposedHeaders = [
  'ETag',
  'Link',
  'Retry-After',
  'X-Request-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

const readMethods = new Set(['GET', 'HEAD']);

/**
 * Cross-origin access for browser apps. Reads are public, so any origin may make them (`*`; no
 * cookies are involved, so `*` gives a page nothing it could not fetch itself). Writes carry an API
 * key and are allowed only from the origins in CORS_ORIGINS: other origins still get a 204 to their
 * preflight, without `Access-Control-Allow-Origin`, so the browser refuses the write.
 * Registered before the rate limiter, so a 429 still reaches the page with its Retry-After.
 */
export const corsPolicy = fp<{ corsOrigins: readonly string[] }>(
  async (app, { corsOrigins }) => {
    const writeOrigins: FastifyCorsOptions['origin'] = corsOrigins.includes('*') ? '*' : [...corsOrigins];
    const common = {
      exposedHeaders,
      // A preflight is cached by the browser for a day; the answer only changes with the configuration.
      maxAge: 86_400,
      // Plain OPTIONS (no Origin) is answered 204 too, rather than a text/plain 400.
      strictPreflight: false,
    };
    const forReads: FastifyCorsOptions = { ...common, origin: '*', methods: ['GET', 'HEAD'] };
    const forWrites: FastifyCorsOptions = {
      ...common,
      origin: writeOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    };
    await app.register(fastifyCors, {
      hideOptionsRoute: true,
      logLevel: 'warn',
      delegator: (request: FastifyRequest, callback) => {
        // A preflight asks for the method the real request will use.
        const requested = request.headers['access-control-request-method'];
        const method =
          request.method === 'OPTIONS' && typeof requested === 'string' ? requested : request.method;
        callback(null, readMethods.has(method.toUpperCase()) ? forReads : forWrites);
      },
    });
  },
  { name: 'gazette-cors', fastify: '5.x' },
);
