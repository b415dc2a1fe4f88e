import { and, desc, eq, lt } from 'drizzle-orm';
import type { ChangeType } from '../../domain/changes.js';
import type { StoredEvent, WebhooksRepository } from '../../domain/ports.js';
import type { Webhook } from '../../domain/webhooks.js';
import { decodeCursor } from '../../lib/cursor.js';
import { pageOf } from '../cursors.js';
import { fitsIdColumn } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { events, webhookDeliveries, webhookRedeliveries, webhooks } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** A subscription as the API lists it: never its secret. */
const webhook = {
  id: webhooks.id,
  url: webhooks.url,
  description: webhooks.description,
  event_types: webhooks.eventTypes,
  status: webhooks.status,
  disabled_reason: webhooks.disabledReason,
  last_event_id: webhooks.lastEventId,
  created_at: webhooks.createdAt,
};

export const storedEvent = {
  id: events.id,
  type: events.type,
  occurred_at: events.occurredAt,
  data: events.data,
};

const delivery = {
  id: webhookDeliveries.id,
  event_id: webhookDeliveries.eventId,
  attempt: webhookDeliveries.attempt,
  redelivery: webhookDeliveries.redelivery,
  status_code: webhookDeliveries.statusCode,
  error: webhookDeliveries.error,
  duration_ms: webhookDeliveries.durationMs,
  response_body: webhookDeliveries.responseBody,
  attempted_at: webhookDeliveries.attemptedAt,
  next_attempt_at: webhookDeliveries.nextAttemptAt,
};

const isIdCursor = (values: unknown[]): values is [number] =>
  values.length === 1 && Number.isSafeInteger(values[0]);

type Subscriptions = Omit<
  WebhooksRepository,
  | 'claimDue'
  | 'nextEvent'
  | 'nextRedelivery'
  | 'recordSuccess'
  | 'recordFailure'
  | 'recordRedelivery'
  | 'release'
>;

/** Creating, listing and deleting subscriptions, their attempts and re-send requests. */
export function createWebhookSubscriptions(db: PostgresDb): Subscriptions {
  const byId = async (id: number): Promise<Webhook | undefined> =>
    fitsIdColumn(id) ? (await db.select(webhook).from(webhooks).where(eq(webhooks.id, id)))[0] : undefined;
  return {
    // Under the write lock no event is still to commit, so the newest one now is the cursor.
    createWebhook: ({ url, description, eventTypes, secret, now }) =>
      writeTransaction(db, async (tx) => {
        const [latest] = await tx.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
        const values = {
          url,
          description,
          eventTypes: [...eventTypes] as ChangeType[],
          secret,
          createdAt: now,
        };
        const [row] = await tx
          .insert(webhooks)
          .values({ ...values, lastEventId: latest?.id ?? 0 })
          .returning(webhook);
        return row!;
      }),
    listWebhooks: () => db.select(webhook).from(webhooks).orderBy(webhooks.id),
    findWebhook: byId,
    deleteWebhook: async (id) =>
      fitsIdColumn(id) &&
      writeTransaction(db, async (tx) => {
        const removed = await tx.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
        return removed.length === 1;
      }),
    async enableWebhook(id) {
      if (!fitsIdColumn(id)) return undefined;
      await writeTransaction(db, (tx) =>
        tx
          .update(webhooks)
          .set({ status: 'active', disabledReason: null, attempt: 0, failingSince: null, nextAttemptAt: 0 })
          .where(and(eq(webhooks.id, id), eq(webhooks.status, 'disabled'))),
      );
      return byId(id);
    },
    async listDeliveries(webhookId, query) {
      const before = query.cursor
        ? decodeCursor<[number]>(query.cursor, isIdCursor)[0]
        : Number.MAX_SAFE_INTEGER;
      const rows = await db
        .select(delivery)
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.webhookId, webhookId), lt(webhookDeliveries.id, before)))
        .orderBy(desc(webhookDeliveries.id))
        .limit(query.limit + 1);
      const { rows: data, nextCursor } = pageOf(rows, query.limit, (last) => [last.id]);
      return { data, page: { next_cursor: nextCursor, limit: query.limit } };
    },
    async findEvent(id): Promise<StoredEvent | undefined> {
      return (await db.select(storedEvent).from(events).where(eq(events.id, id)))[0];
    },
    async queueRedelivery(webhookId, eventId, now) {
      await writeTransaction(db, (tx) =>
        tx.insert(webhookRedeliveries).values({ webhookId, eventId, requestedAt: now }),
      );
    },
  };
}
