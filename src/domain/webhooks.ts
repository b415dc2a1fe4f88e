import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { BadRequest } from '../lib/errors.js';
import { ChangeType } from './changes.js';
import { changeTypes, webhookStatuses } from './column-values.js';

/**
 * Webhook subscriptions: change-feed events POSTed to a URL, signed per Standard Webhooks. Each
 * subscription delivers its events one at a time in event order, from a cursor that moves only
 * after the receiver answered 2xx; failures are retried with backoff, then the subscription is
 * disabled with its reason.
 */

export const Webhook = z.object({
  id: z.number().int(),
  url: z.string().describe('Where events are POSTed.'),
  description: z.string(),
  event_types: z.array(ChangeType).describe('The event types delivered.'),
  status: z
    .enum(webhookStatuses)
    .describe('`disabled` once deliveries failed for longer than the retry window; see `disabled_reason`.'),
  disabled_reason: z.string().nullable(),
  last_event_id: z
    .number()
    .int()
    .describe('The id of the last event delivered (or skipped as not subscribed); later ones are to come.'),
  created_at: z.iso.datetime(),
});
export type Webhook = z.infer<typeof Webhook>;

export const CreatedWebhook = Webhook.extend({
  secret: z
    .string()
    .describe('The signing secret (`whsec_` + base64). Shown only in this response: store it now.'),
});
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const WebhookDelivery = z.object({
  id: z.number().int(),
  event_id: z.number().int().describe('Also the `webhook-id` header the receiver saw.'),
  attempt: z.number().int().describe('1 for the first try of this event, 2 for the first retry, and so on.'),
  redelivery: z.boolean().describe('True for a re-send asked for through the API.'),
  status_code: z.number().int().nullable().describe('The receiver’s HTTP status; null when none came.'),
  error: z.string().nullable().describe('Why the attempt failed, when it did.'),
  duration_ms: z.number().int(),
  response_body: z.string().nullable().describe('The start of the receiver’s response body, at most 4 KB.'),
  attempted_at: z.iso.datetime(),
  next_attempt_at: z.iso.datetime().nullable().describe('When this event is tried again after a failure.'),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** How much of a receiver's response body is kept with an attempt. */
export const responseBodyLimitBytes = 4096;

/** What a client sends to create a subscription. */
export const WebhookInput = z.strictObject({
  url: z
    .string()
    .max(2000)
    .meta({
      description: 'An https URL on a public address.',
      examples: ['https://hooks.example.com/gazette'],
    }),
  event_types: z
    .array(ChangeType)
    .min(1)
    .max(changeTypes.length)
    .optional()
    .meta({
      description: 'Which events to deliver; every type when left out.',
      examples: [['article.created']],
    }),
  description: z
    .string()
    .max(500)
    .default('')
    .meta({ examples: ['Search index sync'] }),
});
export type WebhookInput = z.output<typeof WebhookInput>;

/**
 * True for an address a webhook may reach: public unicast. Loopback, private, link-local,
 * unique-local, multicast, unspecified, carrier-grade NAT, reserved and the IPv4-mapped forms of
 * them are refused, so a subscription cannot aim Gazette at its own network.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

const urlProblem = (message: string) =>
  new BadRequest(`Invalid body: url ${message}.`, [{ path: 'body.url', message }]);

/**
 * Checks a subscription URL before it is stored: https only, no credentials, and not a literal
 * private address or localhost. `allowPrivate` lifts the address and scheme rules (for local
 * receivers in development and tests). Host names are checked again, after DNS, on every connection.
 */
export function checkWebhookUrl(value: string, allowPrivate: boolean): string {
  if (!URL.canParse(value)) throw urlProblem('must be an absolute URL');
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw urlProblem('must use https');
  }
  if (url.username || url.password) throw urlProblem('must not carry credentials');
  if (allowPrivate) return url.href;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) throw urlProblem('must not point at localhost');
  if (ipaddr.isValid(host) && !isPublicAddress(host)) {
    throw urlProblem('must not point at a private, loopback, link-local or multicast address');
  }
  return url.href;
}

/** The body POSTed for an event, per the Standard Webhooks payload convention. */
export function webhookPayload(event: {
  id: number;
  type: string;
  occurred_at: string;
  data: string;
}): string {
  const data = JSON.parse(event.data) as Record<string, unknown>;
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurred_at,
    data: { event_id: event.id, ...data },
  });
}
