import type { WebhooksRepository } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { createWebhookDeliveryQueue } from './webhook-deliveries.js';
import { createWebhookSubscriptions } from './webhook-subscriptions.js';

/** Webhook subscriptions and their delivery queue on PostgreSQL, as ../webhooks-repository.ts. */
export function createPostgresWebhooksRepository(db: PostgresDb): WebhooksRepository {
  return { ...createWebhookSubscriptions(db), ...createWebhookDeliveryQueue(db) };
}
