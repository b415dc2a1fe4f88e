import path from 'node:path';
import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';
import { ServiceUnavailable, Unprocessable } from '../../src/lib/errors.js';
import { warmUpArticle } from '../../src/services/parse-warm-up.js';
import { createParserPool } from '../../src/services/parser-pool.js';
import { plainArticle } from '../support/app.js';

const article = () => ({ body: plainArticle(), contentType: 'text/plain' });

t.test('the warm-up a worker parses at start-up is a whole article, so it loads every model', async (t) => {
  t.equal(parseArticle(warmUpArticle).ok, true);
});

t.test('a document past the time limit is refused with a reason, and the pool goes on', async (t) => {
  const pool = createParserPool({ threads: 1, timeoutMs: 300, memoryMb: 512 });
  t.teardown(() => pool.close());
  // Warm: the limit counts parsing only, never the worker's start-up.
  t.equal((await pool.parse(article())).outcome.ok, true);
  const slow = { body: '<'.repeat(2_000_000), contentType: 'text/html' };
  const started = performance.now();
  const error = await pool.parse(slow).catch((caught: unknown) => caught);
  t.ok(error instanceof Unprocessable, 'refused as unprocessable');
  t.match((error as Error).message, /^Parsing took longer than 0\.3 s/);
  t.ok(performance.now() - started < 10_000, 'refused soon after the limit, not when parsing would end');
  t.equal((await pool.parse(article())).outcome.ok, true, 'a fresh worker parses the next document');
});

t.test('documents queue for the threads; each is timed from when a worker takes it', async (t) => {
  const pool = createParserPool({ threads: 1, timeoutMs: 5_000, memoryMb: 512 });
  t.teardown(() => pool.close());
  const results = await Promise.all(Array.from({ length: 30 }, () => pool.parse(article())));
  t.ok(results.every((result) => result.outcome.ok && /^[0-9a-f]{64}$/.test(result.rawSha256)));
});

t.test('a worker that cannot load answers 503 at once and for the next document, never a wait', async (t) => {
  const folder = t.testdir({ 'worker.mjs': "throw new Error('the parser cannot load');\n" });
  const pool = createParserPool({
    threads: 2,
    timeoutMs: 5_000,
    memoryMb: 512,
    workerFile: path.join(folder, 'worker.mjs'),
  });
  t.teardown(() => pool.close());
  for (const round of ['first', 'later']) {
    const errors = await Promise.all(
      [pool.parse(article()), pool.parse(article())].map((p) => p.catch((e: unknown) => e)),
    );
    t.ok(
      errors.every((error) => error instanceof ServiceUnavailable),
      `${round} documents are answered 503`,
    );
  }
});
