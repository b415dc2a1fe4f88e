import type {
  FastifyContextConfig,
  onSendHookHandler,
  preSerializationHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { utf8Bytes } from '../lib/bytes.js';
import { sha256 } from '../lib/hash.js';
import { withoutCoding } from './compression.js';

/**
 * How a route's successful GET responses may be cached. `list` and `item` are public with a short
 * and a longer max-age; `feed` (the change feed, whose last page grows) may be stored but is checked
 * with the server on every use; `private` responses (anything behind an API key) are never stored;
 * `none` leaves the response alone (health checks, docs).
 */
export type CachePolicy = 'list' | 'item' | 'feed' | 'private' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the policy the caching plugin infers from the route. */
    cache?: CachePolicy;
  }
}

const cacheControl: Record<Exclude<CachePolicy, 'none'>, string> = {
  list: 'public, max-age=60',
  item: 'public, max-age=300',
  feed: 'no-cache',
  private: 'private, no-store',
};

/**
 * The route's own `config.cache` when it sets one; otherwise: routes outside `/v1/` are operational
 * and left alone, routes with a security requirement are private, a path ending in a parameter
 * (`/v1/articles/:idOrSlug`) is one resource, and anything else is a list.
 */
function cachePolicyOf(route: Pick<RouteOptions, 'url' | 'config' | 'schema'>): CachePolicy {
  const configured = (route.config as FastifyContextConfig | undefined)?.cache;
  if (configured) return configured;
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
 * gets a correct tag with no bookkeeping. The caller hashes the bytes it is about to send, so the
 * body is encoded once for the hash and the socket both.
 */
export function entityTag(body: Buffer): string {
  return knownTags.get(body) ?? `"${sha256(body, 'base64url').slice(0, 22)}"`;
}

/** Tags of bytes the response cache (response-cache.ts) knows the tag of: they are hashed once. */
const knownTags = new WeakMap<Buffer, string>();

/** Remembers the tag of bytes about to be sent (hashing them unless told), and returns it. */
export function rememberEntityTag(body: Buffer, tag = entityTag(body)): string {
  knownTags.set(body, tag);
  return tag;
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

/**
 * RFC 9110 §13.1.1: `*` matches any current representation; otherwise the strong comparison with
 * `etag`, the identity-coded representation's tag, so a weak tag (`W/"x"`) never matches: a write
 * must name exactly the version it read. A tag read from a compressed response (`"x-gzip"`) names
 * the same version and matches on its uncompressed part.
 */
export function ifMatchAllows(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => withoutCoding(candidate.trim()) === etag);
}

/** RFC 9110 §13.1.3: only a valid HTTP-date counts; `If-None-Match`, when present, wins (checked first). */
function notModifiedSince(header: string, lastModified: string): boolean {
  const since = Date.parse(header);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';
export const asArray = <T>(hooks: T | T[] | undefined): T[] =>
  hooks === undefined ? [] : ([hooks].flat() as T[]);

/** `Last-Modified` from a single resource's `updated_at`, read before the payload becomes bytes. */
const lastModifiedHook: preSerializationHookHandler<unknown> = (_request, reply, payload, done) => {
  const updatedAt =
    reply.statusCode === 200 ? (payload as { updated_at?: unknown } | null)?.updated_at : undefined;
  if (typeof updatedAt === 'string') {
    const time = Date.parse(updatedAt);
    if (Number.isFinite(time)) reply.header('last-modified', new Date(time).toUTCString());
  }
  done(null, payload);
};

/** `Cache-Control` by policy, a strong ETag on public responses, and 304 when the client's copy is current. */
function conditionalHook(policy: Exclude<CachePolicy, 'none'>): onSendHookHandler<unknown> {
  const control = cacheControl[policy];
  return (request, reply, payload, done) => {
    if (reply.statusCode !== 200) return done(null, payload);
    reply.header('cache-control', control);
    if (policy === 'private' || !(typeof payload === 'string' || Buffer.isBuffer(payload)))
      return done(null, payload);

    const body = typeof payload === 'string' ? utf8Bytes(payload) : payload;
    const etag = entityTag(body);
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
    if (!fresh) return done(null, body);
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    done(null, '');
  };
}

/**
 * Conditional GET for the whole API: an ETag on every successful public read, `Cache-Control` by
 * policy, `Last-Modified` from a single resource's `updated_at`, and 304 when the client's copy is
 * current. Each read route gets the hooks its policy needs when it is declared, so requests pay
 * for no policy lookups and operational routes for no hooks at all. HEAD runs the GET handler in
 * Fastify, so it gets the same headers. Register before routes.
 */
export const caching = fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      if (![route.method].flat().some(isRead)) return;
      const policy = cachePolicyOf(route);
      if (policy === 'none') return;
      if (policy === 'item') route.preSerialization = [...asArray(route.preSerialization), lastModifiedHook];
      // First, so that on an automatic HEAD route it sees the body before Fastify drops it.
      route.onSend = [conditionalHook(policy), ...asArray(route.onSend)];
    });
  },
  { name: 'gazette-caching', fastify: '5.x' },
);
