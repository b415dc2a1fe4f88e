import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * How a route's successful GET responses may be cached. `list` and `item` are public with a short
 * and a longer max-age; `private` responses (anything behind an API key) are never stored; `none`
 * leaves the response alone (health checks, docs).
 */
export type CachePolicy = 'list' | 'item' | 'private' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the policy the caching plugin infers from the route. */
    cache?: CachePolicy;
  }
}

const cacheControl: Record<Exclude<CachePolicy, 'none'>, string> = {
  list: 'public, max-age=60',
  item: 'public, max-age=300',
  private: 'private, no-store',
};

/**
 * The route's own `config.cache` when it sets one; otherwise: routes outside `/v1/` are operational
 * and left alone, routes with a security requirement are private, a path ending in a parameter
 * (`/v1/articles/:idOrSlug`) is one resource, and anything else is a list.
 */
export function cachePolicyOf(request: FastifyRequest): CachePolicy {
  const route = request.routeOptions;
  if (route.config.cache) return route.config.cache;
  const secured = Boolean((route.schema?.security as unknown[] | undefined)?.length);
  return cachePolicyForRoute(route.url ?? '', secured);
}

/** The inferred policy of a route path, in Fastify (`/:id`) or OpenAPI (`/{id}`) form. */
export function cachePolicyForRoute(url: string, secured: boolean): CachePolicy {
  if (!url.startsWith('/v1/')) return 'none';
  if (secured) return 'private';
  return /\/(:[^/]+|\{[^/]+\})$/.test(url) ? 'item' : 'list';
}

/**
 * A strong validator from the exact bytes sent: sha256, truncated to 128 bits, base64url. Hashing
 * the body rather than tracking versions means every representation (filters, sparse fields, feeds)
 * gets a correct tag with no bookkeeping; sha256 runs at over 1 GB/s, a few µs for an article.
 */
export function entityTag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest().subarray(0, 16).toString('base64url')}"`;
}

/**
 * RFC 9110 §13.1.2: `*` matches any current representation; otherwise the weak comparison, so
 * `W/"x"` matches `"x"`. Tags are compared as written; a malformed list simply matches nothing.
 */
export function ifNoneMatchAllows(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/** RFC 9110 §13.1.3: only a valid HTTP-date counts; `If-None-Match`, when present, wins (checked first). */
function notModifiedSince(header: string, lastModified: string): boolean {
  const since = Date.parse(header);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * Conditional GET for the whole API: an ETag on every successful public read, `Cache-Control` by
 * policy, `Last-Modified` from a single resource's `updated_at`, and 304 when the client's copy is
 * current. HEAD runs the GET handler in Fastify, so it gets the same headers. Register before routes.
 */
export function registerCaching(app: FastifyInstance) {
  // Before serialization the payload is still an object, so `updated_at` can be read without parsing.
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (!isRead(request.method) || reply.statusCode !== 200) return payload;
    if (cachePolicyOf(request) !== 'item') return payload;
    const updatedAt = (payload as { updated_at?: unknown } | null)?.updated_at;
    if (typeof updatedAt === 'string') {
      const time = Date.parse(updatedAt);
      if (Number.isFinite(time)) reply.header('last-modified', new Date(time).toUTCString());
    }
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!isRead(request.method) || reply.statusCode !== 200) return payload;
    const policy = cachePolicyOf(request);
    if (policy === 'none') return payload;
    reply.header('cache-control', cacheControl[policy]);
    if (policy === 'private' || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;

    const etag = entityTag(payload);
    reply.header('etag', etag);
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const lastModified = reply.getHeader('last-modified');
    const fresh =
      ifNoneMatch !== undefined
        ? ifNoneMatchAllows(ifNoneMatch, etag)
        : ifModifiedSince !== undefined &&
          typeof lastModified === 'string' &&
          notModifiedSince(ifModifiedSince, lastModified);
    if (!fresh) return payload;
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    return '';
  });
}
