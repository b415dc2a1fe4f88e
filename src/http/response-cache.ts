import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { utf8Bytes } from '../lib/bytes.js';
import { asArray, rememberEntityTag } from './caching.js';
import { type CompressedForms, withCompressedForms } from './compression.js';
import { KeptBytes } from './kept-bytes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Keep this public read's 200 responses until the database changes (see response-cache.ts). */
    responseCache?: boolean;
  }
}

/**
 * How many URLs the cache remembers having missed once. A URL is kept on its second miss among the
 * last this many, not its first: readers spread over an archive ask for most articles once, and
 * keeping each of those would only push out what is asked for again and again, at the price of a
 * copy and an eviction a request.
 */
const firstMissesRemembered = 4096;

/** The headers a response's bytes come with; per-request ones (ids, limits, CORS) are added afresh. */
const storedHeaders = ['content-type', 'link', 'last-modified'] as const;

/** What kept bytes are sent with: their ETag, and the headers of the response they came from. */
interface Kept {
  tag: string;
  headers: Partial<Record<(typeof storedHeaders)[number], string>>;
}

type Lent = NonNullable<ReturnType<KeptBytes<Kept>['lend']>>;

/**
 * Kept bytes as the response, with their compressed copies for the compression hook: it sends a
 * copy kept beside them in the client's coding, or waits for the one another hit is making, or
 * makes one and keeps it, unless the data changed meanwhile. Without them every hit from a browser,
 * or any client accepting gzip or br, was compressed again; without the wait, so was each hit of
 * the burst that follows a commit.
 */
function sendHit(reply: FastifyReply, key: string, hit: Lent, cache: HitCompressions) {
  // The bytes are lent until the response ends ('close', sent or cut off) and any compression of
  // them begun here is done: other hits may be waiting for it.
  let compressing: Promise<unknown> = Promise.resolve();
  reply.raw.once('close', () => void compressing.finally(hit.giveBack));
  rememberEntityTag(hit.bytes, hit.meta.tag);
  reply.headers(hit.meta.headers);
  if (reply.request.headers['accept-encoding'] === undefined) return reply.send(hit.bytes);
  const keptAt = cache.version();
  const forms: CompressedForms = {
    lend(coding) {
      const coded = `${key} ${coding}`;
      const copy = cache.kept.lend(coded);
      if (!copy) return cache.making.get(coded);
      reply.raw.once('close', copy.giveBack);
      return copy.bytes;
    },
    keep(coding, made) {
      const coded = `${key} ${coding}`;
      compressing = made.catch(() => {});
      cache.making.set(coded, made);
      made
        .then((bytes) => {
          const { kept } = cache;
          if (cache.version() === keptAt && kept.has(key) && !kept.has(coded))
            kept.keep(coded, bytes, hit.meta);
        })
        // One that failed is not kept; the next hit makes another.
        .catch(() => {})
        .finally(() => {
          if (cache.making.get(coded) === made) cache.making.delete(coded);
        });
    },
  };
  reply.send(withCompressedForms(hit.bytes, forms));
}

/** The kept bytes, the compressions of them under way by coded key, and the data version. */
interface HitCompressions {
  kept: KeptBytes<Kept>;
  making: Map<string, Promise<Buffer>>;
  version: () => string;
}

/** A 200 answer as shared with requests that waited for it. */
interface Answer {
  bytes: Buffer;
  meta: Kept;
}

/** A miss being answered, and the requests waiting for its answer. */
interface Flight {
  version: string;
  waiters: ((answer: Answer | undefined) => void)[];
}

/**
 * Misses being answered, by key. A request for one at the same data version waits for its answer
 * instead of asking the database again; it gets the answer, or nothing when that was not a 200.
 */
class Flights {
  private readonly byKey = new Map<string, Flight>();

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Queues `waiter` for the answer to `key` read at `version`; false when none is being read. */
  wait(key: string, version: string, waiter: Flight['waiters'][number]): boolean {
    const flight = this.byKey.get(key);
    if (flight?.version !== version) return false;
    flight.waiters.push(waiter);
    return true;
  }

  /** Marks `key` as being answered at `version`; the flight returned must be landed. */
  lead(key: string, version: string): Flight {
    const flight: Flight = { version, waiters: [] };
    this.byKey.set(key, flight);
    return flight;
  }

  /** Hands the answer (none when it was not a 200) to the requests that waited for it. */
  land(key: string, flight: Flight, answer: Answer | undefined): void {
    if (this.byKey.get(key) === flight) this.byKey.delete(key);
    for (const waiter of flight.waiters.splice(0)) waiter(answer);
  }
}

/**
 * The bytes of public article reads, kept until the next commit to the database from any connection
 * or process (`dataVersion` changes), from their second request on, in one block of `maxBytes`
 * (kept-bytes.ts): the oldest go first, but one asked for since it was kept or last passed over
 * goes back to the end (CLOCK). Requests for a URL being answered wait for that answer: fifty
 * readers of the front page just after a commit, or of one search, cost one query, not fifty.
 * The front page and a popular article are asked for again and again; from memory they skip the
 * query, the serializer and the ETag hash. Only routes that opt in (`config.responseCache`) and
 * requests without an Authorization header take part; rate limits, CORS, security headers, request ids and
 * conditional requests still apply to every request, as the cache sits between validation and the
 * handler. The key holds the public origin, since links in the bytes are absolute. Register after
 * the caching plugin, so that the bytes are kept (and their tag with them) before its ETag hook runs.
 */
export const responseCache = fp<{ dataVersion: (() => string) | undefined; maxBytes: number }>(
  async (app, { dataVersion, maxBytes }) => {
    if (!dataVersion || maxBytes <= 0) return;
    const kept = new KeptBytes<Kept>(maxBytes);
    let seenVersion = '';
    /** Compressions of kept bytes under way; a new data version forgets them with the bytes. */
    const making = new Map<string, Promise<Buffer>>();
    const hitCompressions: HitCompressions = { kept, making, version: () => seenVersion };
    /** The key and version a request missed with, for the store hook, and the flight it leads. */
    const misses = new WeakMap<FastifyRequest, { key: string; version: string; flight?: Flight }>();
    const inFlight = new Flights();
    /** URLs missed once lately (emptied when full, so it only ever holds recent ones). */
    const missedOnce = new Set<string>();

    /** Whether a URL missed before, lately; if not, it is remembered as missed once. */
    function missedBefore(key: string): boolean {
      if (missedOnce.delete(key)) return true;
      if (missedOnce.size >= firstMissesRemembered) missedOnce.clear();
      missedOnce.add(key);
      return false;
    }

    /** The data version now; a changed one empties the cache first. */
    function currentVersion(): string {
      const version = dataVersion!();
      if (version !== seenVersion) {
        kept.clear();
        making.clear();
        seenVersion = version;
      }
      return version;
    }

    const lookup: preHandlerHookHandler = (request, reply, done) => {
      if (request.method !== 'GET' || request.headers.authorization !== undefined) return done();
      const key = `${request.publicOrigin} ${request.url}`;
      // The version is a query: asked only when an entry could be sent, waited for or kept, not on a
      // first miss, the commonest case when readers spread over an archive.
      if (!kept.has(key) && !inFlight.has(key) && !missedBefore(key)) return done();
      const version = currentVersion();
      const hit = kept.lend(key);
      if (hit) return sendHit(reply, key, hit, hitCompressions);
      // The answer's bytes are the leader's own, their tag already remembered by its store hook.
      const waiting = inFlight.wait(key, version, (answer) =>
        answer ? reply.headers(answer.meta.headers).send(answer.bytes) : done(),
      );
      if (waiting) {
        misses.set(request, { key, version });
        return;
      }
      const flight = inFlight.lead(key, version);
      misses.set(request, { key, version, flight });
      // A request cut off before its answer must not hold the others: they then ask themselves.
      reply.raw.once('close', () => inFlight.land(key, flight, undefined));
      done();
    };

    const store: onSendHookHandler = (request, reply, payload, done) => {
      const miss = misses.get(request);
      if (!miss) return done(null, payload);
      if (reply.statusCode !== 200 || typeof payload !== 'string') {
        if (miss.flight) inFlight.land(miss.key, miss.flight, undefined);
        return done(null, payload);
      }
      // Encoded once here: the ETag hook after this one takes these bytes and their tag.
      const body = utf8Bytes(payload);
      const headers: Kept['headers'] = {};
      for (const name of storedHeaders) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      const meta = { tag: rememberEntityTag(body), headers };
      if (miss.flight) inFlight.land(miss.key, miss.flight, { bytes: body, meta });
      // An answer read while another request saw a newer version is not kept; nor a second copy
      // (from a request that asked itself after its leader failed), which would only take space.
      if (miss.version === seenVersion && body.length <= maxBytes / 4 && !kept.has(miss.key))
        kept.keep(miss.key, body, meta);
      done(null, body);
    };

    app.addHook('onRoute', (route) => {
      if (!route.config?.responseCache) return;
      route.preHandler = [...asArray(route.preHandler), lookup];
      // First, before the caching plugin's ETag hook (added first by its own onRoute hook).
      route.onSend = [store, ...asArray(route.onSend)];
    });
  },
  { name: 'gazette-response-cache', fastify: '5.x', dependencies: ['gazette-caching', 'gazette-public-url'] },
);
