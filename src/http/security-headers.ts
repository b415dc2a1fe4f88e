import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * The interactive docs are the one HTML page Gazette serves: swagger-ui's scripts, styles and fonts
 * all come from /docs itself, it fetches the document from the same origin, and its icons are data:
 * images. No inline script is allowed. (No upgrade-insecure-requests: plain-HTTP deployments would
 * lose the page's own scripts.)
 */
export const docsContentSecurityPolicy = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * Security headers on every response (helmet). API responses are data, never documents to render,
 * so their policy allows nothing; /docs overrides it with `docsContentSecurityPolicy`. Resources may
 * be read from other origins: the API and its feeds are public. The middleware is built once: the
 * Fastify wrapper rebuilt it, parsing the policy, on every request.
 */
export const securityHeaders = fp(
  async (app) => {
    const setHeaders = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
    app.addHook('onRequest', (request, reply, done) => {
      setHeaders(request.raw, reply.raw, () => done());
    });
  },
  { name: 'gazette-security-headers', fastify: '5.x' },
);
