import type { FastifyInstance } from 'fastify';
import { Webhook as Verifier } from 'standardwebhooks';
import t from 'tap';
import { auth, buildTestApp, plainArticle } from '../support/app.js';
import { startReceiver } from '../support/receiver.js';

const createWebhook = (app: FastifyInstance, payload: object, headers: Record<string, string> = auth) =>
  app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload });

async function ingest(app: FastifyInstance, title: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: plainArticle({ title, author: 'Noor Haddad', tags: ['Harbour works'] }),
  });
  return response.json().article as { id: number };
}

t.test('webhook subscriptions: admin only, the secret shown once', async (t) => {
  const app = await buildTestApp(t);
  const { key: ingestKey } = await app.services.apiKeys.createKey('scraper', ['ingest', 'write']);
  const { key: adminKey } = await app.services.apiKeys.createKey('ops', ['admin']);
  const payload = { url: 'https://hooks.example.com/gazette', event_types: ['article.created'] };

  t.equal((await createWebhook(app, payload, {})).statusCode, 401, 'no key → 401');
  const refused = await createWebhook(app, payload, { authorization: `Bearer ${ingestKey}` });
  t.equal(refused.statusCode, 403, 'ingest and write scopes → 403');
  t.equal(
    (await app.inject({ url: '/v1/webhooks', headers: { authorization: `Bearer ${ingestKey}` } })).statusCode,
    403,
  );
  t.same((await app.inject({ url: '/v1/webhooks', headers: auth })).json().data, [], 'nothing was stored');

  const created = await createWebhook(
    app,
    { ...payload, description: 'Index sync' },
    {
      authorization: `Bearer ${adminKey}`,
    },
  );
  t.equal(created.statusCode, 201);
  const webhook = created.json();
  t.match(webhook.secret, /^whsec_[A-Za-z0-9+/]{32}$/, 'a whsec_ secret of 24 random bytes');
  t.equal(created.headers.location, `/v1/webhooks/${webhook.id}`);
  t.match(webhook, {
    url: payload.url,
    event_types: ['article.created'],
    status: 'active',
    description: 'Index sync',
  });

  const one = await app.inject({ url: `/v1/webhooks/${webhook.id}`, headers: auth });
  t.equal(one.statusCode, 200);
  t.notOk('secret' in one.json(), 'GET does not show the secret');
  t.notOk(one.body.includes(webhook.secret));
  const list = await app.inject({ url: '/v1/webhooks', headers: auth });
  t.same(
    list.json().data.map((item: { id: number }) => item.id),
    [webhook.id],
  );
  t.notOk(list.body.includes(webhook.secret), 'the list does not show it either');

  const all = await createWebhook(app, { url: 'https://hooks.example.com/all' });
  t.equal(all.json().event_types.length, 9, 'without event_types: every type');

  const enable = (id: number, headers = auth) =>
    app.inject({ method: 'POST', url: `/v1/webhooks/${id}/enable`, headers });
  const enabled = await enable(webhook.id);
  t.equal(enabled.statusCode, 200, 'enabling an active webhook leaves it as it is');
  t.equal(enabled.json().status, 'active');
  t.equal((await enable(webhook.id, { authorization: `Bearer ${ingestKey}` })).statusCode, 403);
  t.equal((await enable(999_999)).statusCode, 404);

  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${webhook.id}`, headers: auth })).statusCode,
    204,
  );
  t.equal((await app.inject({ url: `/v1/webhooks/${webhook.id}`, headers: auth })).statusCode, 404);
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${webhook.id}`, headers: auth })).statusCode,
    404,
  );
  t.equal((await app.inject({ url: '/v1/webhooks/abc', headers: auth })).statusCode, 400);
  t.equal((await app.inject('/v1/webhooks//deliveries')).statusCode, 404, 'an empty id names no webhook');
  // Past what PostgreSQL's id columns hold: still no such webhook, not a query error.
  const huge = Number.MAX_SAFE_INTEGER;
  for (const method of ['GET', 'DELETE'] as const)
    t.equal(
      (await app.inject({ method, url: `/v1/webhooks/${huge}`, headers: auth })).statusCode,
      404,
      method,
    );
  t.equal((await enable(huge)).statusCode, 404, 'enable');
});

t.test('a webhook URL must be https on a public address', async (t) => {
  const app = await buildTestApp(t);
  for (const url of [
    'http://hooks.example.com/plain',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://localhost/hook',
    'https://2130706433/hook',
    'https://user:pass@hooks.example.com/hook',
    'ftp://hooks.example.com/hook',
    'not a url',
  ]) {
    const response = await createWebhook(app, { url });
    t.equal(response.statusCode, 400, `${url} → 400`);
    t.equal(response.json().errors?.[0]?.path, 'body.url', `${url}: the problem names body.url`);
  }
  const badType = await createWebhook(app, {
    url: 'https://hooks.example.com/x',
    event_types: ['article.liked'],
  });
  t.equal(badType.statusCode, 400, 'an unknown event type → 400');
  t.equal((await createWebhook(app, { url: 'https://hooks.example.com/x', secret: 'mine' })).statusCode, 400);
  const noType = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth });
  t.equal(noType.statusCode, 415, 'no body and no Content-Type → 415');
  const text = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: 'https://hooks.example.com/x',
  });
  t.equal(text.statusCode, 415, 'text/plain → 415');
  for (const payload of ['null', '[]', '"https://hooks.example.com/x"', '{"url":']) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { ...auth, 'content-type': 'application/json' },
      payload,
    });
    t.equal(response.statusCode, 400, `${payload} → 400`);
  }
  t.same((await app.inject({ url: '/v1/webhooks', headers: auth })).json().data, [], 'none was stored');
});

t.test('deliveries are signed, in event order, listed, and can be re-sent', async (t) => {
  const app = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE: 'true' });
  const receiver = await startReceiver();
  t.teardown(receiver.close);
  await ingest(app, 'Before the subscription');
  const created = (await createWebhook(app, { url: `${receiver.url}/hook` })).json();
  const first = await ingest(app, 'Crane operators trial a quayside lift');
  const second = await ingest(app, 'Pilots agree a new harbour rota');
  await app.services.webhookDispatcher.runOnce();

  const verifier = new Verifier(created.secret);
  const payloads = receiver.received.map((request) => verifier.verify(request.body, request.headers)) as {
    type: string;
    data: { event_id: number; id: number };
  }[];
  t.ok(payloads.length >= 2, `${payloads.length} deliveries, each with a valid signature`);
  const ids = payloads.map((payload) => payload.data.event_id);
  t.same(
    ids,
    [...ids].sort((a, b) => a - b),
    'in event order',
  );
  t.ok(
    ids.every((id) => id > created.last_event_id),
    'only events after the subscription',
  );
  t.same(
    receiver.received.map((request) => request.headers['webhook-id']),
    ids.map(String),
    'webhook-id is the event id',
  );
  const articles = payloads.filter((payload) => payload.type === 'article.created').map((p) => p.data.id);
  t.same(articles, [first.id, second.id]);
  t.throws(
    () =>
      new Verifier(created.secret).verify(`${receiver.received[0]!.body} `, receiver.received[0]!.headers),
    'a changed body fails verification',
  );

  const webhook = (await app.inject({ url: `/v1/webhooks/${created.id}`, headers: auth })).json();
  t.equal(webhook.last_event_id, ids.at(-1), 'the cursor moved to the last event delivered');
  const deliveries = await app.inject({
    url: `/v1/webhooks/${created.id}/deliveries?limit=1`,
    headers: auth,
  });
  t.equal(deliveries.statusCode, 200);
  const page = deliveries.json();
  t.same(
    page.data.map((d: { event_id: number }) => d.event_id),
    ids.slice(-1),
    'newest first',
  );
  t.match(page.data[0], {
    attempt: 1,
    status_code: 200,
    error: null,
    redelivery: false,
    next_attempt_at: null,
  });
  t.ok(page.page.next_cursor, 'a next page');
  t.match(deliveries.headers.link, /rel="next"/);
  const next = await app.inject({
    url: `/v1/webhooks/${created.id}/deliveries?limit=1&cursor=${page.page.next_cursor}`,
    headers: auth,
  });
  t.same(
    next.json().data.map((d: { event_id: number }) => d.event_id),
    ids.slice(-2, -1),
    'then the one before',
  );

  await app.services.webhookDispatcher.runOnce();
  t.equal(receiver.received.length, payloads.length, 'nothing more to send');

  const resend = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${created.id}/resend`,
    headers: auth,
    payload: { event_id: ids[0] },
  });
  t.equal(resend.statusCode, 202);
  await app.services.webhookDispatcher.runOnce();
  t.equal(receiver.received.at(-1)!.headers['webhook-id'], String(ids[0]), 'the event went again, same id');
  const latest = (
    await app.inject({ url: `/v1/webhooks/${created.id}/deliveries?limit=1`, headers: auth })
  ).json();
  t.match(latest.data[0], { event_id: ids[0], redelivery: true, status_code: 200 });
  const missing = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${created.id}/resend`,
    headers: auth,
    payload: { event_id: 999_999 },
  });
  t.equal(missing.statusCode, 404, 'an event that does not exist → 404');
  const narrow = (
    await createWebhook(app, { url: `${receiver.url}/tags`, event_types: ['tag.deleted'] })
  ).json();
  const unsubscribed = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${narrow.id}/resend`,
    headers: auth,
    payload: { event_id: ids[0] },
  });
  t.equal(unsubscribed.statusCode, 400, 'an event of a type the webhook does not take → 400');
  t.equal(unsubscribed.json().errors[0].path, 'body.event_id');

  const metrics = (await app.inject('/metrics')).body;
  t.match(
    metrics,
    new RegExp(`gazette_webhook_deliveries_total\\{outcome="success"\\} ${payloads.length + 1}\\b`),
  );
});

t.test('a slow receiver does not slow requests', async (t) => {
  const app = await buildTestApp(t, {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_POLL_MS: '20',
    WEBHOOK_TIMEOUT_MS: '5000',
  });
  const held: (() => void)[] = [];
  const receiver = await startReceiver((_request, response) => held.push(() => response.end()));
  t.teardown(async () => {
    for (const release of held) release();
    await receiver.close();
  });
  await createWebhook(app, { url: `${receiver.url}/slow` });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  await ingest(app, 'A delivery the receiver holds');
  const deadline = Date.now() + 5000;
  while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.equal(receiver.received.length, 1, 'the dispatcher runs beside the server, and one delivery is held');

  const timings: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  // The held delivery lasts its whole 5 s timeout: a request that waited for it could not be this quick.
  t.ok(
    timings[5]! < 1000,
    `/healthz answers in ${timings[5]!.toFixed(1)} ms (median) while a delivery is held`,
  );
  t.equal(receiver.received.length, 1, 'the next event waits for the held one: one at a time, in order');
});
