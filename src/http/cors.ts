import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
 * The CORS headers of an actual (not preflight) request. A read is answered `*` with no
 * `Vary: Origin`, so a shared cache keeps one copy of a public response for every origin; a write
 * names its origin when CORS_ORIGINS allows it, and varies by origin.
 */
function actualRequestHeaders(corsOrigins: readonly string[]) {
  const exposed = exposedHeaders.join(', ');
  const anyOrigin = corsOrigins.includes('*');
  const allowed = new Set(corsOrigins);
  const forAny = { 'access-control-allow-origin': '*', 'access-control-expose-headers': exposed };
  return (request: FastifyRequest, reply: FastifyReply) => {
    if (readMethods.has(request.method) || anyOrigin) {
      reply.headers(forAny);
      return;
    }
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      reply.headers({ 'access-control-allow-origin': origin, 'access-control-expose-headers': exposed });
    }
  };
}

/**
 * Cross-origin access for browser apps. Reads are public, so any origin may make them (`*`; no
 * cookies are involved, so `*` gives a page nothing it could not fetch itself). Writes carry an API
 * key and are allowed only from the origins in CORS_ORIGINS: other origins still get a 204 to their
 * preflight, without `Access-Control-Allow-Origin`, so the browser refuses the write.
 * @fastify/cors answers preflights, in a scope of their own, choosing its options by the method the
 * real request will use; the headers of actual requests are fixed by the method alone, so they are
 * set without it. Registered before the rate limiter, so a 429 still reaches the page with its
 * Retry-After.
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
    // Its hooks reach only the routes of this scope: the OPTIONS route it adds.
    await app.register(async (preflights) => {
      await preflights.register(fastifyCors, {
        hideOptionsRoute: true,
        logLevel: 'warn',
        delegator: (request: FastifyRequest, callback) => {
          const requested = request.headers['access-control-request-method'];
          const method = typeof requested === 'string' ? requested : request.method;
          callback(null, readMethods.has(method.toUpperCase()) ? forReads : forWrites);
        },
      });
    });
    const setHeaders = actualRequestHeaders(corsOrigins);
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'OPTIONS') setHeaders(request, reply);
      done();
    });
  },
  { name: 'gazette-cors', fastify: '5.x' },
);
