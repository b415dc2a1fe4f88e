import { lookup } from 'node:dns';
import t from 'tap';
import {
  createWebhookDispatcher,
  type DispatcherOptions,
  retryDelay,
} from '../../src/services/webhook-dispatcher.js';
import type { Resolver } from '../../src/services/webhook-sender.js';
import { testRepositories } from '../support/database.js';
import { startReceiver } from '../support/receiver.js';

interface Test {
  teardown(fn: () => unknown): void;
}

const fast: DispatcherOptions = {
  maxInFlight: 4,
  timeoutMs: 2000,
  pollMs: 20,
  retryBaseMs: 10,
  retryMaxMs: 40,
  giveUpMs: 60_000,
  allowPrivate: true,
};

/** A migrated database with its repositories, and a way to append change events. */
async function storage(t: Test) {
  const { repositories, query } = await testRepositories(t);
  const addEvent = async (type = 'tag.created', id = 1) => {
    const [row] = await query<{ id: number | string }>(
      "INSERT INTO events (type, resource_id, data, occurred_at) VALUES (?, ?, ?, '2026-04-20T09:00:00.000Z') RETURNING id",
      type,
      id,
      JSON.stringify({ id, slug: `tag-${id}`, name: `Tag ${id}` }),
    );
    return Number(row!.id);
  };
  const subscribe = (url: string, eventTypes = ['tag.created']) =>
    repositories.webhooks.createWebhook({
      url,
      description: '',
      eventTypes,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      now: new Date().toISOString(),
    });
  const dispatcher = (options: Partial<DispatcherOptions> = {}) => {
    const created = createWebhookDispatcher(repositories, { ...fast, ...options });
    t.teardown(() => created.stop());
    return created;
  };
  return { query, repositories, addEvent, subscribe, dispatcher };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('retryDelay: full jitter up to base × 2^failures, capped', async (t) => {
  t.equal(
    retryDelay(0, 1000, 60_000, () => 1),
    1000,
  );
  t.equal(
    retryDelay(3, 1000, 60_000, () => 1),
    8000,
  );
  t.equal(
    retryDelay(10, 1000, 60_000, () => 1),
    60_000,
    'capped',
  );
  t.equal(
    retryDelay(500, 1000, 60_000, () => 1),
    60_000,
    'no overflow however many failures',
  );
  t.equal(
    retryDelay(3, 1000, 60_000, () => 0),
    0,
  );
  t.equal(
    retryDelay(3, 1000, 60_000, () => 0.5),
    4000,
  );
});

t.test('only subscribed types, in order; unsubscribed events are passed over', async (t) => {
  const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const receiver = await startReceiver();
  t.teardown(receiver.close);
  await addEvent('tag.created', 1);
  const webhook = await subscribe(receiver.url, ['tag.created', 'tag.deleted']);
  const wanted = [
    await addEvent('tag.created', 2),
    await addEvent('tag.deleted', 2),
    await addEvent('tag.created', 3),
  ];
  const last = await addEvent('author.created', 9);
  await dispatcher().runOnce();
  t.same(
    receiver.received.map((request) => Number(request.headers['webhook-id'])),
    wanted,
    'the subscribed events after the subscription, in order',
  );
  t.equal(
    (await repositories.webhooks.findWebhook(webhook.id))!.last_event_id,
    last,
    'caught up, the cursor passes the author event it does not take',
  );
});

t.test(
  'a failing receiver: retries back off, then the subscription is disabled with the reason',
  async (t) => {
    const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
    let failing = true;
    const receiver = await startReceiver((_request, response) => {
      response.statusCode = failing ? 500 : 200;
      response.end('x'.repeat(10_000));
    });
    t.teardown(receiver.close);
    const webhook = await subscribe(`${receiver.url}/failing`);
    const event = await addEvent();
    const later = await addEvent('tag.created', 2);
    // No jitter here: each retry waits its whole bound, 100 ms.
    const worker = dispatcher({ giveUpMs: 300, retryBaseMs: 100, retryMaxMs: 100, random: () => 1 });

    await worker.runOnce();
    const [first] = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 10 })).data;
    t.match(first, { event_id: event, attempt: 1, status_code: 500, error: 'HTTP 500', redelivery: false });
    t.equal(first!.response_body!.length, 4096, 'the response body is cut to 4 KB');
    t.ok(first!.next_attempt_at, 'a retry is scheduled');
    await worker.runOnce();
    t.equal(receiver.received.length, 1, 'not retried before its time');

    const deadline = Date.now() + 10_000;
    while (
      (await repositories.webhooks.findWebhook(webhook.id))!.status === 'active' &&
      Date.now() < deadline
    ) {
      await sleep(15);
      await worker.runOnce();
    }
    const disabled = (await repositories.webhooks.findWebhook(webhook.id))!;
    t.equal(disabled.status, 'disabled');
    t.match(
      disabled.disabled_reason,
      /^Deliveries failed for [\d.]+ h \(since .*, \d+ attempts\); the last, of event \d+, got HTTP 500\.$/,
    );
    t.equal(disabled.last_event_id, event - 1, 'the cursor never moved past the failing event');
    const attempts = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 100 })).data.reverse();
    t.ok(attempts.length >= 3, `${attempts.length} attempts`);
    t.same(
      attempts.map((attempt) => attempt.attempt),
      attempts.map((_attempt, index) => index + 1),
      'attempt numbers count up',
    );
    t.ok(
      attempts.every((attempt) => attempt.event_id === event),
      'the later event waited: order holds',
    );
    t.notOk(receiver.received.some((request) => request.headers['webhook-id'] === String(later)));
    t.equal(attempts.at(-1)!.next_attempt_at, null, 'no retry after the last');
    const gaps = attempts
      .slice(1)
      .map((attempt, index) => Date.parse(attempt.attempted_at) - Date.parse(attempts[index]!.attempted_at));
    t.ok(
      gaps.every((gap) => gap >= 95),
      `retries waited for their time: ${gaps.join(', ')} ms apart`,
    );

    const count = receiver.received.length;
    await sleep(60);
    await worker.runOnce();
    t.equal(receiver.received.length, count, 'a disabled subscription gets nothing more');

    failing = false;
    const enabled = (await repositories.webhooks.enableWebhook(webhook.id))!;
    t.match(enabled, { status: 'active', disabled_reason: null, last_event_id: event - 1 });
    await worker.runOnce();
    t.same(
      receiver.received.slice(count).map((request) => Number(request.headers['webhook-id'])),
      [event, later],
      'enabled again, it resumes from the event it gave up on, in order',
    );
    const [latest] = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 1 })).data;
    t.match(latest, { event_id: later, attempt: 1, status_code: 200 });
  },
);

t.test('a redirect is a failure and is not followed', async (t) => {
  const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const receiver = await startReceiver((request, response) => {
    if (request.path === '/moved') {
      response.statusCode = 307;
      response.setHeader('location', '/elsewhere');
    }
    response.end();
  });
  t.teardown(receiver.close);
  const webhook = await subscribe(`${receiver.url}/moved`);
  await addEvent();
  await dispatcher().runOnce();
  t.same(
    receiver.received.map((request) => request.path),
    ['/moved'],
    '/elsewhere was never asked',
  );
  const [attempt] = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 1 })).data;
  t.match(attempt, { status_code: 307, error: 'HTTP 307 (redirects are not followed)' });
});

t.test('a receiver that does not answer times out', async (t) => {
  const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const held: (() => void)[] = [];
  const receiver = await startReceiver((_request, response) => held.push(() => response.end()));
  t.teardown(async () => {
    for (const release of held) release();
    await receiver.close();
  });
  const webhook = await subscribe(receiver.url);
  await addEvent();
  await dispatcher({ timeoutMs: 300 }).runOnce();
  const [attempt] = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 1 })).data;
  t.equal(attempt!.status_code, null);
  t.match(attempt!.error, /timeout|aborted/i);
  t.ok(
    attempt!.duration_ms >= 290 && attempt!.duration_ms < 2000,
    `gave up after ${attempt!.duration_ms} ms`,
  );
});

t.test('private addresses are refused at connection time, after DNS', async (t) => {
  const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const receiver = await startReceiver();
  t.teardown(receiver.close);
  // A public-looking name that resolves inward, as a rebinding DNS server would answer.
  const resolve: Resolver = (hostname, options, callback) =>
    hostname === 'hooks.example.test'
      ? callback(null, [{ address: '127.0.0.1', family: 4 }])
      : lookup(hostname, { ...options, all: true }, callback);
  const byName = await subscribe(`http://hooks.example.test:${receiver.port}/rebound`);
  const byAddress = await subscribe(`http://127.0.0.1:${receiver.port}/literal`);
  // Through the system resolver: localhost is loopback, whatever a URL says.
  const local = await subscribe(`http://localhost:${receiver.port}/local`);
  await addEvent();

  await dispatcher({ allowPrivate: false, resolve }).runOnce();
  t.equal(receiver.received.length, 0, 'nothing reached the receiver');
  const errorOf = async (id: number) =>
    (await repositories.webhooks.listDeliveries(id, { limit: 1 })).data[0]?.error;
  t.match(
    await errorOf(byName.id),
    /hooks\.example\.test resolves to 127\.0\.0\.1, which is not a public address/,
  );
  t.match(await errorOf(byAddress.id), /127\.0\.0\.1 is not a public address/);
  t.match(await errorOf(local.id), /localhost resolves to (127\.0\.0\.1|::1), which is not a public address/);

  // The same subscriptions, with private addresses allowed, do reach it: the refusal was the guard's.
  await sleep(50);
  await dispatcher({ allowPrivate: true, resolve }).runOnce();
  t.same(receiver.received.map((request) => request.path).sort(), ['/literal', '/local', '/rebound']);
});

/** A receiver that answers each request after `delayMs`, and the most requests it held at once. */
async function slowReceiver(t: Test, delayMs: number) {
  let concurrent = 0;
  let most = 0;
  const receiver = await startReceiver((_request, response) => {
    concurrent++;
    most = Math.max(most, concurrent);
    setTimeout(() => {
      concurrent--;
      response.end();
    }, delayMs);
  });
  t.teardown(receiver.close);
  return { receiver, most: () => most };
}

t.test('two dispatchers on one database never deliver a subscription at once', async (t) => {
  const { addEvent, subscribe, dispatcher } = await storage(t);
  const { receiver, most } = await slowReceiver(t, 20);
  await subscribe(receiver.url);
  const ids = [
    await addEvent('tag.created', 1),
    await addEvent('tag.created', 2),
    await addEvent('tag.created', 3),
  ];
  const [one, two] = [dispatcher(), dispatcher()];
  await Promise.all([one.runOnce(), two.runOnce()]);
  t.equal(most(), 1, 'one delivery at a time');
  t.same(
    receiver.received.map((request) => Number(request.headers['webhook-id'])),
    ids,
    'each once, in order',
  );
});

t.test('in flight is bounded', async (t) => {
  const { addEvent, subscribe, dispatcher } = await storage(t);
  const { receiver, most } = await slowReceiver(t, 30);
  for (let i = 0; i < 6; i++) await subscribe(`${receiver.url}/${i}`);
  await addEvent();
  const worker = dispatcher({ maxInFlight: 2 });
  for (let round = 0; round < 3; round++) await worker.runOnce();
  t.equal(receiver.received.length, 6, 'every subscription got the event');
  t.equal(most(), 2, 'never more than two at once');
});

t.test('a re-send goes once, beside the ordered stream, without cutting a retry short', async (t) => {
  const { addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const receiver = await startReceiver((_request, response) => {
    response.statusCode = 503;
    response.end();
  });
  t.teardown(receiver.close);
  const webhook = await subscribe(receiver.url);
  const event = await addEvent();
  const worker = dispatcher({ retryBaseMs: 60_000, retryMaxMs: 60_000, random: () => 1 });
  await worker.runOnce();
  t.equal(receiver.received.length, 1, 'the first attempt failed; its retry is a minute away');

  await repositories.webhooks.queueRedelivery(webhook.id, event, new Date().toISOString());
  await worker.runOnce();
  await worker.runOnce();
  t.equal(receiver.received.length, 2, 'the re-send went, once; the retry still waits');
  const attempts = (await repositories.webhooks.listDeliveries(webhook.id, { limit: 10 })).data;
  t.same(
    attempts.map((attempt) => [attempt.redelivery, attempt.attempt, attempt.status_code]),
    [
      [true, 1, 503],
      [false, 1, 503],
    ],
  );
  const after = (await repositories.webhooks.findWebhook(webhook.id))!;
  t.equal(after.last_event_id, event - 1, 'a re-send moves no cursor');
});

t.test('a subscription keeps its latest 1,000 attempts', async (t) => {
  const { query, addEvent, subscribe, dispatcher, repositories } = await storage(t);
  const receiver = await startReceiver();
  t.teardown(receiver.close);
  const webhook = await subscribe(receiver.url);
  await query(
    `INSERT INTO webhook_deliveries (webhook_id, event_id, attempt, duration_ms, attempted_at)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
     SELECT CAST(? AS integer), 1, 1, 5, '2026-04-20T09:00:00.000Z' FROM n`,
    webhook.id,
  );
  const count = async (where = '', ...params: unknown[]) =>
    (
      await query<{ n: number }>(
        `SELECT CAST(count(*) AS integer) AS n FROM webhook_deliveries ${where}`,
        ...params,
      )
    )[0]!.n;
  t.equal(await count(), 1000);
  const [{ oldest }] = (await query<{ oldest: number | string }>(
    'SELECT min(id) AS oldest FROM webhook_deliveries',
  )) as [{ oldest: number | string }];
  const event = await addEvent();
  await dispatcher().runOnce();
  t.equal(await count(), 1000, 'one in, the oldest out');
  const page = await repositories.webhooks.listDeliveries(webhook.id, { limit: 1 });
  t.equal(page.data[0]!.event_id, event, 'the newest is kept');
  t.equal(await count('WHERE id = ?', oldest), 0, 'the oldest was let go');
});
