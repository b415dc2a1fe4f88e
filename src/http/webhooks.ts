import type { onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import * as domain from '../domain/webhooks.js';
import { NotFound } from '../lib/errors.js';
import { bearerSecurity, requireScope } from './auth.js';
import { sendPage } from './links.js';
import { acceptsDocumentedMediaTypes } from './media-types.js';
import { cursorParam, jsonResponse, limitParam, problemResponses } from './params.js';
import { type RoutesApp, routePlugin } from './route-plugin.js';
import { component } from './schemas.js';

const webhookExample = {
  id: 1,
  url: 'https://hooks.example.com/gazette',
  description: 'Search index sync',
  event_types: ['article.created', 'article.updated', 'article.deleted'],
  status: 'active',
  disabled_reason: null,
  last_event_id: 42,
  created_at: '2026-04-20T09:00:00.000Z',
};
const deliveryExample = {
  id: 7,
  event_id: 43,
  attempt: 1,
  redelivery: false,
  status_code: 204,
  error: null,
  duration_ms: 85,
  response_body: '',
  attempted_at: '2026-04-20T09:05:00.120Z',
  next_attempt_at: null,
};
const pageInfo = { next_cursor: null, limit: 20 };

const Webhook = component(domain.Webhook, {
  id: 'Webhook',
  description: 'A webhook subscription; its signing secret is shown only when it is created.',
  examples: [webhookExample],
});
const CreatedWebhook = component(domain.CreatedWebhook, {
  id: 'CreatedWebhook',
  description: 'A new subscription with its signing secret, which no later response shows.',
  examples: [{ ...webhookExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
});
const WebhookDelivery = component(domain.WebhookDelivery, {
  id: 'WebhookDelivery',
  description: 'One attempt to deliver one event.',
  examples: [deliveryExample],
});
const WebhookInput = component(domain.WebhookInput, {
  id: 'NewWebhook',
  examples: [
    {
      url: 'https://hooks.example.com/gazette',
      event_types: ['article.created', 'article.updated', 'article.deleted'],
      description: 'Search index sync',
    },
  ],
});
const WebhookList = z
  .object({ data: z.array(Webhook) })
  .meta({ id: 'WebhookList', examples: [{ data: [webhookExample] }] });
const WebhookDeliveryPage = z
  .object({
    data: z.array(WebhookDelivery),
    page: z.object({ next_cursor: z.string().nullable(), limit: z.number().int() }),
  })
  .meta({ id: 'WebhookDeliveryPage', examples: [{ data: [deliveryExample], page: pageInfo }] });
const ResendInput = z
  .strictObject({
    event_id: z.number().int().min(1).describe('The event to send again: a `webhook-id` the receiver saw.'),
  })
  .meta({ id: 'WebhookResend', examples: [{ event_id: 4 }] });

const idParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: 'The webhook id.', examples: [1] }),
});

const adminOnly = 'Needs a key with the `admin` scope.';
const common = { tags: ['Webhooks'], security: bearerSecurity, querystring: z.strictObject({}) };

/**
 * `/v1/webhooks`: subscriptions to change-feed events, for admins. The routes of one subscription's
 * deliveries come before those of the subscription itself, so the document lists the delete last.
 */
export const webhookRoutes = routePlugin('gazette-webhook-routes', async (app) => {
  const admin = requireScope(app.services, 'admin');
  createRoute(app, admin);
  listRoute(app, admin);
  deliveriesRoute(app, admin);
  resendRoute(app, admin);
  enableRoute(app, admin);
  getRoute(app, admin);
  deleteRoute(app, admin);
});

type Admin = ReturnType<typeof requireScope>;

/**
 * `/v1/webhooks//deliveries` reaches a route with an empty id: that names no webhook, whoever asks,
 * so it is a 404 before the key is even looked at.
 */
const idNotEmpty: onRequestAsyncHookHandler = async (request) => {
  if ((request.params as { id?: string }).id === '') throw new NotFound('No webhook has an empty id.');
};

function createRoute(app: RoutesApp, admin: Admin) {
  app.post(
    '/v1/webhooks',
    {
      onRequest: [admin, acceptsDocumentedMediaTypes],
      schema: {
        ...common,
        operationId: 'createWebhook',
        summary: 'Subscribe a URL to events',
        description:
          'Events after this moment are POSTed to `url`, in order, signed per Standard Webhooks ' +
          '(`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the returned `secret`, which ' +
          'is shown only here. The URL must be https on a public address. ' +
          adminOnly,
        body: { content: { 'application/json': { schema: WebhookInput } } },
        response: {
          201: jsonResponse('The subscription, with its signing secret.', CreatedWebhook),
          ...problemResponses(400, 401, 403, 413, 415, 503, 507),
        },
      },
    },
    async (request, reply) => {
      const created = await app.services.webhooks.create(request.body as domain.WebhookInput);
      return reply.code(201).header('location', `/v1/webhooks/${created.id}`).send(created);
    },
  );
}

function listRoute(app: RoutesApp, admin: Admin) {
  app.get(
    '/v1/webhooks',
    {
      onRequest: admin,
      schema: {
        ...common,
        operationId: 'listWebhooks',
        summary: 'List webhook subscriptions',
        description: `Every subscription, oldest first, without secrets. ${adminOnly}`,
        response: {
          200: jsonResponse('The subscriptions.', WebhookList),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async () => ({ data: await app.services.webhooks.list() }),
  );
}

function getRoute(app: RoutesApp, admin: Admin) {
  app.get(
    '/v1/webhooks/:id',
    {
      onRequest: admin,
      schema: {
        ...common,
        operationId: 'getWebhook',
        summary: 'Get one webhook subscription',
        description: `Its state: \`status\`, why it was disabled, and the last event delivered. ${adminOnly}`,
        params: idParams,
        response: {
          200: jsonResponse('The subscription.', Webhook),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => app.services.webhooks.get(request.params.id),
  );
}

function deleteRoute(app: RoutesApp, admin: Admin) {
  app.delete(
    '/v1/webhooks/:id',
    {
      onRequest: admin,
      schema: {
        ...common,
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook subscription',
        description: `Stops deliveries and forgets the subscription with its attempts. ${adminOnly}`,
        params: idParams,
        response: {
          204: z.undefined().describe('Deleted; there is no body.'),
          ...problemResponses(400, 401, 403, 404, 413, 415, 503, 507),
        },
      },
    },
    async (request, reply) => {
      await app.services.webhooks.remove(request.params.id);
      return reply.code(204).send();
    },
  );
}

function deliveriesRoute(app: RoutesApp, admin: Admin) {
  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      onRequest: [idNotEmpty, admin],
      schema: {
        ...common,
        operationId: 'listWebhookDeliveries',
        summary: 'List delivery attempts',
        description:
          'Attempts of one subscription, newest first (its latest 1,000 are kept): the event, the ' +
          'receiver’s status code or the error, the time taken, the start of the response body, and ' +
          'when a failed one is retried. ' +
          adminOnly,
        params: idParams,
        querystring: z.strictObject({ limit: limitParam, cursor: cursorParam('WzEwXQ') }),
        response: {
          200: jsonResponse('A page of attempts.', WebhookDeliveryPage),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      sendPage(request, reply, await app.services.webhooks.listDeliveries(request.params.id, request.query)),
  );
}

function resendRoute(app: RoutesApp, admin: Admin) {
  app.post(
    '/v1/webhooks/:id/resend',
    {
      onRequest: [idNotEmpty, admin, acceptsDocumentedMediaTypes],
      schema: {
        ...common,
        operationId: 'resendWebhookEvent',
        summary: 'Send an event again',
        description:
          'Queues one more delivery of an event to this subscription, with the same `webhook-id`; it ' +
          'is tried once, apart from the ordered stream, and listed among the deliveries with ' +
          '`redelivery: true`. Works on a disabled subscription too. ' +
          adminOnly,
        params: idParams,
        body: { content: { 'application/json': { schema: ResendInput } } },
        response: {
          202: z.undefined().describe('Queued; the attempt appears among the deliveries.'),
          ...problemResponses(400, 401, 403, 404, 413, 415, 503, 507),
        },
      },
    },
    async (request, reply) => {
      const { event_id } = request.body as z.output<typeof ResendInput>;
      await app.services.webhooks.resend(request.params.id, event_id);
      return reply.code(202).send();
    },
  );
}

function enableRoute(app: RoutesApp, admin: Admin) {
  app.post(
    '/v1/webhooks/:id/enable',
    {
      onRequest: [idNotEmpty, admin],
      schema: {
        ...common,
        operationId: 'enableWebhook',
        summary: 'Resume a disabled subscription',
        description:
          'Makes a subscription disabled after failing for too long active again: deliveries resume ' +
          'from the event it gave up on, in order, with no failures counted. An active one is left as ' +
          'it is. ' +
          adminOnly,
        params: idParams,
        response: {
          200: jsonResponse('The subscription, active.', Webhook),
          ...problemResponses(400, 401, 403, 404, 413, 415, 503, 507),
        },
      },
    },
    async (request) => app.services.webhooks.enable(request.params.id),
  );
}
