import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

/**
 * Reads and discards what is left of a request body. Resolves true once the body has ended, false
 * when more than `limitBytes` remain (declared or received) or nothing arrives for `idleMs`: then
 * the caller answers anyway and the connection closes.
 */
function drainBody(request: IncomingMessage, limitBytes: number, idleMs = 5000): Promise<boolean> {
  // `complete` is set by Node's HTTP parser; a body already read to its end by any stream says so
  // with `readableEnded` (injected requests have only that), and no further 'end' would come.
  if (request.complete || request.readableEnded) return Promise.resolve(true);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    const timer = setTimeout(() => finish(false), idleMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) return finish(false);
      timer.refresh();
    };
    const onEnd = () => finish(true);
    const onFailure = () => finish(false);
    function finish(complete: boolean) {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onFailure);
      if (!complete) request.pause();
      resolve(complete);
    }
    request.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onFailure);
    request.resume();
  });
}

/** Bodies still arriving are read up to this many times the body limit (and at least 64 MiB). */
const drainFactor = 4;

const hasBody = (request: IncomingMessage) =>
  Number(request.headers['content-length']) > 0 || request.headers['transfer-encoding'] !== undefined;

/**
 * An error answered before the request body was read (too large, wrong media type, no API key, no
 * such route) would otherwise be followed by closing a connection the client is still writing to:
 * its next write fails with EPIPE or ECONNRESET, often before it has read the answer. So the rest
 * of the body is read and discarded first, within a bound; when it all arrived the connection even
 * stays open. Past the bound, the answer goes out and the connection closes as before.
 */
export const bodyDrain = fp(
  async (app) => {
    const bound = Math.max(drainFactor * app.initialConfig.bodyLimit!, 64 * 1024 * 1024);
    // A callback hook: answers that need no draining (nearly all) cost no promise.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 400 || request.raw.complete || !hasBody(request.raw)) return done(null, payload);
      // drainBody never rejects: a failed read just ends the drain.
      void drainBody(request.raw, bound).then((drained) => {
        if (drained) reply.removeHeader('connection');
        done(null, payload);
      });
    });
  },
  { name: 'gazette-body-drain', fastify: '5.x' },
);
