import { Worker } from 'node:worker_threads';
import t from 'tap';
import { auth, buildTestApp, plainArticle, testApiKey } from '../support/app.js';
import { hostileInputs } from '../support/hostile.js';

/** The longest a hostile ingest may take, answer included: the parse limit plus storing it. */
const ingestBoundMs = 30_000;
const parseTimeoutMs = 8_000;

/**
 * Sends each hostile input from another thread, so that only the server shares the event loop
 * with the /healthz probe; resolves with each input's status and time.
 */
function sendFromAnotherThread(url: string, inputs: ReturnType<typeof hostileInputs>) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    // This thread plays a client on another machine: it must not take the server's CPU.
    require('node:os').setPriority(19);
    (async () => {
      for (const input of workerData.inputs) {
        const start = performance.now();
        const response = await fetch(workerData.url + '/v1/ingest', {
          method: 'POST',
          headers: { authorization: 'Bearer ' + workerData.key, 'content-type': input.contentType },
          body: input.body,
        });
        const text = await response.text();
        parentPort.postMessage({ name: input.name, status: response.status, ms: performance.now() - start,
          problem: response.headers.get('content-type'), detail: response.status >= 400 ? text.slice(0, 300) : '' });
      }
    })();`;
  const worker = new Worker(code, { eval: true, workerData: { url, key: testApiKey, inputs } });
  const results: { name: string; status: number; ms: number; problem: string; detail: string }[] = [];
  return {
    results,
    done: new Promise<void>((resolve, reject) => {
      worker.on('message', (result) => {
        results.push(result);
        if (results.length === inputs.length) resolve();
      });
      worker.on('error', reject);
    }).finally(() => worker.terminate()),
  };
}

t.test('hostile inputs never stall serving and each ends in a bounded time', async (t) => {
  const app = await buildTestApp(t, {
    PARSE_TIMEOUT_MS: String(parseTimeoutMs),
    PARSE_THREADS: '1',
    BODY_LIMIT_BYTES: String(6 * 1024 * 1024),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // A first, ordinary article starts the parser worker, so the probe measures serving, not start-up.
  const warmUp = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: plainArticle(),
  });
  t.equal(warmUp.statusCode, 201);
  // A real stall (parsing on the event loop) costs seconds on every pass; a busy machine (test
  // files run side by side) can push one pass past a time bound, so timing may be measured again.
  const passes = [await measurePass(url)];
  while (passes.length < 3 && !withinTimeBounds(passes.at(-1)!)) {
    t.comment(
      `a time bound was missed (/healthz p99 ${percentile(passes.at(-1)!.latencies, 0.99).toFixed(1)} ms); measuring again`,
    );
    passes.push(await measurePass(url));
  }

  for (const [index, { results }] of passes.entries()) {
    // A repeated pass parses the same inputs again; those stored the first time answer 200, duplicate.
    const answers = index === 0 ? [201, 422] : [200, 201, 422];
    for (const result of results) {
      t.ok(answers.includes(result.status), `${result.name}: ${result.status} ${result.detail}`);
    }
  }
  const pass = passes.at(-1)!;
  for (const result of pass.results) {
    t.ok(result.ms < ingestBoundMs, `${result.name}: answered in ${Math.round(result.ms)} ms`);
  }
  const p99 = percentile(pass.latencies, 0.99);
  t.ok(pass.latencies.length >= 50, `${pass.latencies.length} health checks during the ingests`);
  t.ok(p99 < 50, `GET /healthz p99 ${p99.toFixed(1)} ms (max ${Math.max(...pass.latencies).toFixed(1)} ms)`);
});

type Pass = Awaited<ReturnType<typeof measurePass>>;

function withinTimeBounds(pass: Pass): boolean {
  return percentile(pass.latencies, 0.99) < 50 && pass.results.every((result) => result.ms < ingestBoundMs);
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * share)]!;
}

/** Ingests every hostile input from another thread while probing /healthz from this one. */
async function measurePass(url: string) {
  const sending = sendFromAnotherThread(url, hostileInputs());
  const latencies: number[] = [];
  let sendingDone = false;
  sending.done.then(
    () => {
      sendingDone = true;
    },
    () => {
      sendingDone = true;
    },
  );
  while (!sendingDone) {
    const start = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await sending.done;
  return { results: sending.results, latencies };
}
