import { randomBytes } from 'node:crypto';
import { changeTypes } from '../domain/column-values.js';
import type { Page } from '../domain/page.js';
import type { Repositories } from '../domain/ports.js';
import {
  type CreatedWebhook,
  checkWebhookUrl,
  type Webhook,
  type WebhookDelivery,
  type WebhookInput,
} from '../domain/webhooks.js';
import { BadRequest, NotFound } from '../lib/errors.js';

/** Managing webhook subscriptions; the dispatcher (webhook-dispatcher.ts) delivers them. */
export function createWebhookService(repositories: Repositories, options: { allowPrivate: boolean }) {
  const { webhooks } = repositories;

  async function existing(id: number): Promise<Webhook> {
    const webhook = await webhooks.findWebhook(id);
    if (!webhook) throw new NotFound(`No webhook has the id ${id}.`);
    return webhook;
  }

  return {
    /** Stores a subscription with a new signing secret, returned here and never again. */
    async create(input: WebhookInput): Promise<CreatedWebhook> {
      const url = checkWebhookUrl(input.url, options.allowPrivate);
      // 24 random bytes, as Standard Webhooks secrets are: `whsec_` and their base64.
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const webhook = await webhooks.createWebhook({
        url,
        description: input.description,
        eventTypes: input.event_types ?? [...changeTypes],
        secret,
        now: new Date().toISOString(),
      });
      return { ...webhook, secret };
    },

    list(): Promise<Webhook[]> {
      return webhooks.listWebhooks();
    },

    get: existing,

    async remove(id: number): Promise<void> {
      if (!(await webhooks.deleteWebhook(id))) throw new NotFound(`No webhook has the id ${id}.`);
    },

    /** Resumes a disabled subscription from the event it gave up on; an active one stays as it is. */
    async enable(id: number): Promise<Webhook> {
      const webhook = await webhooks.enableWebhook(id);
      if (!webhook) throw new NotFound(`No webhook has the id ${id}.`);
      return webhook;
    },

    async listDeliveries(
      id: number,
      query: { limit: number; cursor?: string | undefined },
    ): Promise<Page<WebhookDelivery>> {
      await existing(id);
      return webhooks.listDeliveries(id, query);
    },

    /** Queues one more delivery of an event the subscription takes; the dispatcher sends it soon. */
    async resend(id: number, eventId: number): Promise<void> {
      const webhook = await existing(id);
      const event = await webhooks.findEvent(eventId);
      if (!event) throw new NotFound(`No event has the id ${eventId}.`);
      if (!webhook.event_types.includes(event.type as Webhook['event_types'][number])) {
        throw new BadRequest(
          `Event ${eventId} is a ${event.type} event, which webhook ${id} does not subscribe to.`,
          [{ path: 'body.event_id', message: `a ${event.type} event, not subscribed` }],
        );
      }
      await webhooks.queueRedelivery(id, eventId, new Date().toISOString());
    },
  };
}
