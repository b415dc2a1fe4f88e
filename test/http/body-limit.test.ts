import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { auth, buildTestApp } from '../support/app.js';

const limit = 64 * 1024;

/**
 * Sends `size` bytes over a real socket, in chunks, the way a Node client uploads a file, and
 * resolves once the request is closed with the status read and any socket error the client saw
 * (EPIPE, ECONNRESET when the server hangs up before the body is read; a Node client without an
 * error listener would crash on it even after reading the answer).
 */
function upload(
  port: number,
  size: number,
  headers: Record<string, string>,
  chunked = false,
): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const result: { status?: number; body: string; error?: string } = { body: '' };
    const request = http.request({
      port,
      method: 'POST',
      path: '/v1/ingest',
      headers: { ...headers, ...(chunked ? {} : { 'content-length': String(size) }) },
      agent: false,
    });
    request.on('response', (response) => {
      result.status = response.statusCode;
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        result.body += chunk;
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      result.error = error.code ?? error.message;
    });
    request.on('close', () => resolve(result));
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let sent = 0;
    const writeMore = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', writeMore);
      }
      request.end();
    };
    writeMore();
  });
}

t.test('a body over BODY_LIMIT_BYTES reaches a Node client as a 413 problem, not EPIPE', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_BYTES: String(limit) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const headers = { ...auth, 'content-type': 'text/plain' };

  for (const [name, size, chunked] of [
    ['declared Content-Length, 256 × the limit', 256 * limit, false],
    ['chunked, no declared length, 256 × the limit', 256 * limit, true],
  ] as const) {
    // Repeated: the failure this guards against is a race between the client's writes and the close.
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await upload(port, size, headers, chunked);
      t.equal(response.error, undefined, `${name}: no socket error (attempt ${attempt + 1})`);
      t.equal(response.status, 413, `${name}: 413 (attempt ${attempt + 1})`);
      t.match(JSON.parse(response.body || '{}'), { status: 413, title: 'Content Too Large' });
    }
  }

  const wrongType = await upload(port, 256 * limit, { ...auth, 'content-type': 'application/pdf' });
  t.equal(wrongType.error, undefined, 'a refused media type: no socket error');
  t.equal(wrongType.status, 415, 'a refused media type is read the same way');

  const anonymous = await upload(port, 256 * limit, { 'content-type': 'text/plain' });
  t.equal(anonymous.error, undefined, 'a refused caller: no socket error');
  t.equal(anonymous.status, 401, 'a refused caller reads its 401');

  const fine = await upload(port, limit / 2, headers);
  t.not(fine.status, 413, 'a body within the limit is not refused for its size');
});
