import zlib from 'node:zlib';
import Fastify from 'fastify';
import t from 'tap';
import { compression } from '../../src/http/compression.js';
import { countCompressions } from '../support/zlib-calls.js';

/** Quality 3, a 256 KB window, and the body's size told in advance. */
const brotli = (bytes: Buffer) =>
  zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 3,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 18,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
const note = (words: number) => ({
  text: Array.from({ length: words }, (_, index) => `tide table ${index}`).join(' '),
});

t.test('JSON bodies are compressed on the thread pool, with the settings Gazette chose', async (t) => {
  const counted = countCompressions(t);
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(compression);
  // 5 KB goes through the plugin's synchronous path, 60 KB through its stream: neither runs now.
  app.get('/small', async () => note(300));
  app.get('/large', async () => note(4000));
  app.get('/problem', async (_request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(JSON.stringify({ status: 404, ...note(300) })),
  );
  app.get('/page', async (_request, reply) => reply.type('text/html').send(`<p>${note(300).text}</p>`));
  app.get('/varied', async (_request, reply) => reply.header('vary', 'origin').send(note(300)));

  for (const url of ['/small', '/large', '/problem']) {
    const identity = await app.inject(url);
    for (const [coding, compress] of [
      ['br', brotli],
      ['gzip', (bytes: Buffer) => zlib.gzipSync(bytes)],
    ] as const) {
      const before = { ...counted };
      const response = await app.inject({ url, headers: { 'accept-encoding': coding } });
      t.equal(counted.plugin, before.plugin, `${url} ${coding}: not by the plugin`);
      t.equal(counted.threadPool, before.threadPool + 1, `${url} ${coding}: on the thread pool`);
      t.equal(response.headers['content-encoding'], coding);
      t.equal(response.headers.vary, 'accept-encoding');
      t.equal(Number(response.headers['content-length']), response.rawPayload.length);
      t.ok(response.rawPayload.equals(compress(identity.rawPayload)), `${url} ${coding}: the same bytes`);
    }
  }

  const varied = await app.inject({ url: '/varied', headers: { 'accept-encoding': 'gzip' } });
  t.equal(varied.headers.vary, 'origin, accept-encoding', 'a Vary already set is extended');

  const before = { ...counted };
  const html = await app.inject({ url: '/page', headers: { 'accept-encoding': 'gzip' } });
  t.equal(html.headers['content-encoding'], 'gzip');
  t.equal(counted.plugin, before.plugin + 1, 'other types are still the plugin’s');

  const tiny = await app.inject({ url: '/small', headers: { 'accept-encoding': 'identity' } });
  t.equal(tiny.headers['content-encoding'], undefined, 'identity only: as it is');
  const refused = await app.inject({
    url: '/small',
    headers: { 'accept-encoding': 'br', 'x-no-compression': '1' },
  });
  t.equal(refused.headers['content-encoding'], undefined, 'x-no-compression: as it is');
});
