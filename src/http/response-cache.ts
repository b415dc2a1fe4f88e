import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { utf8Bytes } from '../lib/bytes.js';
import { asArray, rememberEntityTag } from './caching.js';
import {
  type Coding,
  compressed,
  compressionThreshold,
  negotiatedCoding,
  varyOnCoding,
} from './compression.js';
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

/** Where the compressed copy of the bytes kept under `key` is kept. */
const codedKey = (key: string, coding: Coding) => `${key} ${coding}`;

/**
 * The coding a hit is sent in from a compressed copy: none for bodies too small to be compressed,
 * and none for conditional requests, whose 304 carries no body to encode.
 */
function codingFor(request: FastifyRequest, bytes: Buffer): Coding | undefined {
  const { headers } = request;
  if (bytes.length < compressionThreshold || headers['if-none-match'] || headers['if-modified-since']) return;
  return negotiatedCoding(request);
}

type Lent = NonNullable<ReturnType<KeptBytes<Kept>['lend']>>;

/**
 * Compressed copies of kept bytes, kept beside them: without them every hit from a browser, or any
 * client accepting gzip or br, was compressed again. A copy is made on the thread pool at the first
 * hit asking for its coding, and kept unless the bytes were let go or the data changed meanwhile.
 */
class CodedCopies {
  /** Compressions under way, by coded key, so that a popular URL is compressed once. */
  private readonly compressing = new Set<string>();

  constructor(
    private readonly kept: KeptBytes<Kept>,
    private readonly version: () => string,
  ) {}

  /** The copy of `hit` (kept under `key`) in `coding`, lent; none yet, and then one is made. */
  lend(key: string, coding: Coding, hit: Lent): Lent | undefined {
    const coded = codedKey(key, coding);
    const copy = this.kept.lend(coded);
    if (!copy && !this.compressing.has(coded)) this.make(key, coded, coding, hit);
    return copy;
  }

  private make(key: string, coded: string, coding: Coding, hit: Lent) {
    this.compressing.add(coded);
    const version = this.version();
    // A copy of the bytes: once this request is answered, their space may be written over.
    void compressed(Buffer.from(hit.bytes), coding)
      .then((bytes) => {
        if (this.version() === version && this.kept.has(key) && !this.kept.has(coded))
          this.kept.keep(coded, bytes, hit.meta);
      })
      // A copy that could not be made is not kept; hits go on being compressed one by one.
      .catch(() => {})
      .finally(() => this.compressing.delete(coded));
  }
}

/** Kept bytes as the response, or their compressed copy when the client accepts it and there is one. */
function sendHit(request: FastifyRequest, reply: FastifyReply, key: string, hit: Lent, copies: CodedCopies) {
  const coding = codingFor(request, hit.bytes);
  const coded = coding && copies.lend(key, coding, hit);
  const sent = coded || hit;
  if (coded) hit.giveBack();
  // The response ends, sent or cut off, with 'close': then the bytes are no longer read.
  reply.raw.once('close', sent.giveBack);
  reply.headers(hit.meta.headers);
  if (coded) {
    varyOnCoding(reply);
    reply.header('content-encoding', coding);
  }
  // The tag of the identity bytes: the ETag hooks append the coding, as for any compressed body.
  rememberEntityTag(sent.bytes, hit.meta.tag);
  reply.send(sent.bytes);
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
    const copies = new CodedCopies(kept, () => seenVersion);
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
      if (hit) return sendHit(request, reply, key, hit, copies);
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
