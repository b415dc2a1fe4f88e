import zlib from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import fastifyCompress from '@fastify/compress';
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { utf8Bytes } from '../lib/bytes.js';

/** Bodies under this many bytes go out as they are: compressing them saves less than it costs. */
const compressionThreshold = 1024;

const codings = ['br', 'gzip'] as const;
type Coding = (typeof codings)[number];
/**
 * Quality 3 of 11. Against the plugin's default of 4, on an article (4.6 KB) and a search page of 20
 * (30 KB) from the benchmark's database of BBC articles: half the CPU time (63 against 119 µs,
 * 257 against 486 µs) for 3% more bytes. A 256 KB window instead of 4 MB: compressions run on the
 * thread pool, where each thread's heap kept what the larger buffers had taken (RSS after random
 * article reads from Brotli clients, 100,000 articles: 133 against 164 MB; same sizes and speed).
 */
const brotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 3, [zlib.constants.BROTLI_PARAM_LGWIN]: 18 },
};

/**
 * The coding a response to `request` gets, negotiated as the compression plugin does it (`*` and
 * `x-gzip` mean gzip); none when the client accepts neither or asks for no compression.
 */
function negotiatedCoding(request: FastifyRequest): Coding | undefined {
  const header = request.headers['accept-encoding'];
  if (header === undefined || request.headers['x-no-compression'] !== undefined) return undefined;
  return negotiate(header.toLowerCase().replace(/\*|x-gzip/g, 'gzip'), [...codings]) ?? undefined;
}

/**
 * `bytes` compressed in one call on the thread pool, with the plugin's settings and, for Brotli, the
 * size known in advance (so the encoder takes no more memory than the body needs). Every JSON body
 * is compressed here, so it has one compressed form, and one tag.
 */
function compressed(bytes: Buffer, coding: Coding): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    if (coding === 'gzip') return zlib.gzip(bytes, settle);
    const params = { ...brotliOptions.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length };
    zlib.brotliCompress(bytes, { params }, settle);
  });
}

/**
 * Compressions made or under way, by the body they compress. Requests that waited for a miss's answer
 * (response-cache.ts) send the very bytes its leader sends: fifty readers of one search, all
 * accepting Brotli, then cost one compression, not fifty.
 */
const compressionsOf = new WeakMap<Buffer, Partial<Record<Coding, Promise<Buffer>>>>();

function compressedOnce(body: Buffer, coding: Coding): Promise<Buffer> {
  let made = compressionsOf.get(body);
  if (!made) {
    made = {};
    compressionsOf.set(body, made);
  }
  made[coding] ??= compressed(body, coding);
  return made[coding];
}

/**
 * Compressed forms of a body that someone keeps (the response cache): one already made, or being
 * made for another response, lent for this one; and where to keep the compression this response
 * begins, so that responses sent meanwhile wait for it rather than compress again.
 */
export interface CompressedForms {
  lend(coding: Coding): Buffer | Promise<Buffer> | undefined;
  keep(coding: Coding, made: Promise<Buffer>): void;
}

const formsOf = new WeakMap<Buffer, CompressedForms>();

/** `body`, whose compressed forms the compression hook asks `forms` for before it compresses. */
export function withCompressedForms(body: Buffer, forms: CompressedForms): Buffer {
  formsOf.set(body, forms);
  return body;
}

/** JSON bodies: every resource, page and problem. */
const jsonType = /^application\/(?:[\w.-]+\+)?json(?:;|$)/;

function sendCompressed(reply: FastifyReply, coding: Coding, bytes: Buffer, done: OnSendDone) {
  const vary = reply.getHeader('vary');
  if (typeof vary !== 'string') reply.header('vary', 'accept-encoding');
  else if (!vary.toLowerCase().includes('accept-encoding')) reply.header('vary', `${vary}, accept-encoding`);
  reply.header('content-encoding', coding);
  done(null, bytes);
}

type OnSendDone = (error: null, payload: unknown) => void;

/**
 * Compresses buffered JSON bodies on the thread pool, in one call. The plugin compresses bodies up
 * to 8 KB (on two cores; the limit depends on the core count) synchronously, which held the event
 * loop for 0.1–0.3 ms an article, and larger ones through a stream. The plugin then finds
 * Content-Encoding set and leaves them. Anything else (feeds, HTML, streams) it compresses as before.
 * A body with known compressed forms is sent in one of them, or its new one is handed over.
 */
const compressOffLoop: onSendHookHandler = (request, reply, payload, done) => {
  if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return done(null, payload);
  const coding = negotiatedCoding(request);
  const type = reply.getHeader('content-type');
  if (!coding || typeof type !== 'string' || !jsonType.test(type) || reply.hasHeader('content-encoding'))
    return done(null, payload);
  const body = typeof payload === 'string' ? utf8Bytes(payload) : payload;
  if (body.length < compressionThreshold) return done(null, body);
  const forms = formsOf.get(body);
  const known = forms?.lend(coding);
  if (Buffer.isBuffer(known)) return sendCompressed(reply, coding, known, done);
  let made = known;
  if (!made) {
    made = compressedOnce(body, coding);
    forms?.keep(coding, made);
  }
  made.then(
    (bytes) => sendCompressed(reply, coding, bytes, done),
    // Sent as it is rather than not at all.
    () => done(null, body),
  );
};

/** `"tag-gzip"` → tag `"tag"`, coding `gzip`. */
const codedTag = /^(W\/)?"(.*)-(br|gzip)"$/;

/**
 * The tag of the uncompressed representation a strong coded tag came from (`"x-gzip"` → `"x"`);
 * any other tag as it is. Both name the same version of the resource.
 */
export function withoutCoding(tag: string): string {
  const match = tag.match(codedTag);
  return match && !match[1] ? `"${match[2]}"` : tag;
}

/** The tags a client sent in If-None-Match with a content-coding suffix, keyed by the bare tag. */
const heldCodedTags = new WeakMap<FastifyRequest, Map<string, string>>();

/**
 * Brotli or gzip for JSON, problem, feed, HTML and text responses of at least 1 KB, as the client's
 * Accept-Encoding prefers (with `Vary: Accept-Encoding`). NDJSON batch results are left alone so
 * each line still reaches the client as soon as it is written.
 *
 * ETags: the caching hook tags the uncompressed bytes. A compressed body is another representation,
 * so it gets its own strong tag, the same one with the coding appended (`"x-br"`, RFC 9110 §8.8.3.3).
 * When such a tag comes back in If-None-Match it is matched on its uncompressed part, and a 304 hands
 * back exactly the tag the client holds.
 */
export const compression = fp(
  async (app) => {
    await app.register(fastifyCompress, {
      encodings: [...codings],
      threshold: compressionThreshold,
      brotliOptions,
      // Only responses: request bodies are taken as sent, so BODY_LIMIT_BYTES means what it says.
      globalDecompression: false,
    });

    app.addHook('onRequest', (request, _reply, done) => {
      untagCodedRepresentations(request);
      done();
    });

    // Added after the compression plugin's own onRoute hook: JSON is compressed before the plugin's
    // hook, and the tag made coded after it.
    app.addHook('onRoute', (route) => {
      route.onSend = [
        compressOffLoop,
        ...[route.onSend ?? []].flat(),
        tagCodedRepresentation as onSendHookHandler,
      ];
    });
  },
  { name: 'gazette-compression', fastify: '5.x' },
);

/**
 * A cache revalidating a compressed response sends its tag (`"x-gzip"`): compare the tag of the
 * representation it names, and remember the coded form to send back with a 304.
 */
function untagCodedRepresentations(request: FastifyRequest) {
  const header = request.headers['if-none-match'];
  if (!header?.includes('-')) return;
  const held = new Map<string, string>();
  const bare = header.split(',').map((candidate) => {
    const match = candidate.trim().match(codedTag);
    if (!match) return candidate.trim();
    const tag = `${match[1] ?? ''}"${match[2]}"`;
    held.set(`"${match[2]}"`, candidate.trim().replace(/^W\//, ''));
    return tag;
  });
  if (held.size === 0) return;
  heldCodedTags.set(request, held);
  request.headers['if-none-match'] = bare.join(', ');
}

function tagCodedRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
) {
  const etag = reply.getHeader('etag');
  if (typeof etag === 'string') {
    const coding = reply.getHeader('content-encoding');
    if (reply.statusCode === 200 && typeof coding === 'string' && coding !== 'identity') {
      reply.header('etag', etag.replace(/"$/, `-${coding}"`));
    } else if (reply.statusCode === 304) {
      const held = heldCodedTags.get(request)?.get(etag.replace(/^W\//, ''));
      if (held) {
        const vary = reply.getHeader('vary');
        reply.header('etag', held).header('vary', vary ? `${vary}, accept-encoding` : 'accept-encoding');
      }
    }
  }
  done(null, payload);
}
