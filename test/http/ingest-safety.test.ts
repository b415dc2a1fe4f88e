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
  const inputs = hostileInputs();
  const sending = sendFromAnotherThread(url, inputs);

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

  for (const result of sending.results) {
    t.ok([201, 422].includes(result.status), `${result.name}: ${result.status} ${result.detail}`);
    t.ok(result.ms < ingestBoundMs, `${result.name}: answered in ${Math.round(result.ms)} ms`);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  t.ok(latencies.length >= 50, `${latencies.length} health checks during the ingests`);
  t.ok(p99 < 50, `GET /healthz p99 ${p99.toFixed(1)} ms (max ${latencies.at(-1)!.toFixed(1)} ms)`);
});
