import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Webhook as Verifier } from 'standardwebhooks';
import t from 'tap';
import { plainArticle, testApiKey } from '../support/app.js';
import { type ServerProcess, startServerProcess } from '../support/processes.js';
import { startReceiver } from '../support/receiver.js';

const headers = { authorization: `Bearer ${testApiKey}` };
const environment = {
  API_KEYS: testApiKey,
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '1000',
};

async function waitFor(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * `kill -9` while the receiver holds a delivery: the events table is the queue and the cursor moves
 * only after a 2xx, so after a restart every event arrives at least once, first arrivals in order,
 * and the one that was in flight is sent again with the same webhook-id.
 */
t.test('kill -9 mid-delivery loses no webhook event', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-webhooks-crash-'));
  const databasePath = path.join(directory, 'gazette.db');
  let server: ServerProcess = await startServerProcess(databasePath, environment);
  let hold = true;
  let held: number | undefined;
  const receiver = await startReceiver((request, response) => {
    // The fifth delivery is held: no answer until the server is gone.
    if (hold && receiver.received.length === 5) {
      held = Number(request.headers['webhook-id']);
      return;
    }
    response.end();
  });
  t.teardown(async () => {
    server.child.kill('SIGKILL');
    await server.stop();
    await receiver.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const created = await fetch(`${server.url}/v1/webhooks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${receiver.url}/hook` }),
  });
  t.equal(created.status, 201);
  const { secret } = (await created.json()) as { secret: string };

  for (let n = 1; n <= 6; n++) {
    const ingested = await fetch(`${server.url}/v1/ingest`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: plainArticle({
        title: `Harbour crane ${n} passes its load test`,
        author: `Writer ${n}`,
        tags: [`Quay ${n}`],
      }),
    });
    t.equal(ingested.status, 201, `article ${n} ingested`);
  }
  await waitFor(() => held !== undefined, 30_000, 'the held delivery');
  server.child.kill('SIGKILL');
  await server.stop();
  t.equal(server.child.signalCode, 'SIGKILL', `killed while the receiver held event ${held}`);
  hold = false;

  const db = new Database(databasePath, { readonly: true });
  const events = db.prepare('SELECT id FROM events ORDER BY id').pluck().all() as number[];
  db.close();
  t.ok(events.length >= 12, `${events.length} events to deliver`);

  server = await startServerProcess(databasePath, environment);
  const ids = () => receiver.received.map((request) => Number(request.headers['webhook-id']));
  await waitFor(() => events.every((id) => ids().includes(id)), 60_000, 'every event after the restart');

  const verifier = new Verifier(secret);
  t.ok(
    receiver.received.every((request) => verifier.verify(request.body, request.headers) !== undefined),
    'every delivery is signed',
  );
  const firstArrivals = ids().filter((id, index, all) => all.indexOf(id) === index);
  t.same(firstArrivals, events, 'every event arrived, first arrivals in event order');
  t.ok(ids().filter((id) => id === held).length >= 2, `event ${held}, in flight at the kill, was sent again`);
});
