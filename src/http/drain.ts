import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards what is left of a request body. Resolves true once the body has ended, false
 * when more than `limitBytes` remain (declared or received) or nothing arrives for `idleMs`: then
 * the caller answers anyway and the connection closes.
 */
export function drainBody(request: IncomingMessage, limitBytes: number, idleMs = 5000): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
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
