import fp from 'fastify-plugin';

/**
 * Routes outside `/v1/` (health, readiness, metrics, the OpenAPI document, /docs, the index and the
 * problem pages) are never rate-limited: probes and monitoring must get through whatever clients
 * do, and a client that hit its limit must still be able to read what the 429 means. Registered
 * before the rate limiter, whose own onRoute hook reads the flag.
 */
export const operationalExemption = fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/v1/')) return;
      route.config = { ...route.config, rateLimit: false };
    });
  },
  { name: 'gazette-operational-exemption', fastify: '5.x' },
);
