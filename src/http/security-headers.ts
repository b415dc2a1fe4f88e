import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

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
 * The headers helmet sets with this policy. They are the same for every response, so helmet runs
 * once, on a stand-in response, instead of setting each header through Node on every request.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Security headers on every response (helmet). API responses are data, never documents to render,
 * so their policy allows nothing; /docs overrides it with `docsContentSecurityPolicy`. Resources may
 * be read from other origins: the API and its feeds are public.
 */
export const securityHeaders = fp(
  async (app) => {
    const headers = helmetHeaders({
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
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'gazette-security-headers', fastify: '5.x' },
);
