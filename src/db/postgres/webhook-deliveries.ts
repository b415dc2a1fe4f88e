import { and, eq, gt, sql } from 'drizzle-orm';
import type { AfterFailure, DeliveryAttempt, WebhooksRepository, WebhookTarget } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { events, webhookDeliveries, webhookRedeliveries, webhooks } from './schema.js';
import { storedEvent } from './webhook-subscriptions.js';
import { type Tx, writeTransaction } from './write-transaction.js';

/** How many of its latest attempts a subscription keeps, as on SQLite. */
const keptAttempts = 1000;

/** Events of a subscription's types after its cursor; `w` is the subscription. */
const pending = sql.raw('FROM events e WHERE e.id > w.last_event_id AND w.event_types ? e.type');

type Due = Omit<WebhookTarget, 'failingSince' | 'nextAttemptAt'> & {
  failingSince: string | null;
  nextAttemptAt: string;
};

const dueQuery = (now: number, limit: number) => sql`SELECT w.id, w.url, w.secret, w.attempt,
    w.failing_since AS "failingSince", w.next_attempt_at AS "nextAttemptAt" FROM webhooks w
  WHERE w.leased_until < ${now} AND (
    (w.status = 'active' AND w.next_attempt_at <= ${now} AND EXISTS (SELECT 1 ${pending}))
    OR EXISTS (SELECT 1 FROM webhook_redeliveries r WHERE r.webhook_id = w.id))
  ORDER BY w.next_attempt_at, w.id LIMIT ${limit}`;

/** bigint columns read through raw SQL arrive as strings; epoch milliseconds fit a double exactly. */
const toTarget = (row: Due): WebhookTarget => ({
  ...row,
  failingSince: row.failingSince === null ? null : Number(row.failingSince),
  nextAttemptAt: Number(row.nextAttemptAt),
});

/** Stores an attempt and lets go of those past the newest `keptAttempts` of its subscription. */
async function store(tx: Tx, attempt: DeliveryAttempt, nextAttemptAt: number | null): Promise<void> {
  const { webhookId } = attempt;
  await tx.insert(webhookDeliveries).values({
    ...attempt,
    nextAttemptAt: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
  });
  await tx.execute(sql`DELETE FROM webhook_deliveries WHERE webhook_id = ${webhookId} AND id <= (SELECT id
    FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY id DESC LIMIT 1 OFFSET ${keptAttempts})`);
}

const leased = (id: number, owner: string) => and(eq(webhooks.id, id), eq(webhooks.leaseOwner, owner));

async function fail(
  tx: Tx,
  attempt: DeliveryAttempt,
  owner: string,
  failingSince: number,
  after: AfterFailure,
) {
  const changes =
    'disabledReason' in after
      ? { status: 'disabled' as const, disabledReason: after.disabledReason }
      : { nextAttemptAt: after.nextAttemptAt };
  const changed = await tx
    .update(webhooks)
    .set({
      ...changes,
      attempt: sql`${webhooks.attempt} + 1`,
      failingSince,
      leasedUntil: 0,
      leaseOwner: null,
    })
    .where(leased(attempt.webhookId, owner))
    .returning({ id: webhooks.id });
  // A lost lease means another process owns the subscription now; its record is the one kept.
  if (changed.length === 0) return;
  await store(tx, attempt, 'nextAttemptAt' in after ? after.nextAttemptAt : null);
}

/** Caught up: the cursor passes the events it does not take; none can commit meanwhile (write lock). */
const passOver = (webhookId: number, owner: string) => sql`UPDATE webhooks w
  SET last_event_id = (SELECT coalesce(max(id), 0) FROM events)
  WHERE w.id = ${webhookId} AND w.lease_owner = ${owner} AND w.status = 'active'
    AND NOT EXISTS (SELECT 1 ${pending})`;

type Queue = Pick<
  WebhooksRepository,
  | 'claimDue'
  | 'nextEvent'
  | 'nextRedelivery'
  | 'recordSuccess'
  | 'recordFailure'
  | 'recordRedelivery'
  | 'release'
>;

/** Finding what is due and leasing it. */
function leasing(db: PostgresDb): Pick<Queue, 'claimDue' | 'nextEvent' | 'nextRedelivery'> {
  return {
    async claimDue(owner, now, leasedUntil, limit) {
      // A read first: most polls find nothing due and then take no write lock at all.
      if ((await db.execute(dueQuery(now, 1))).rows.length === 0) return [];
      return writeTransaction(db, async (tx) => {
        const due = (await tx.execute<Due>(dueQuery(now, limit))).rows.map(toTarget);
        for (const target of due) {
          await tx.update(webhooks).set({ leasedUntil, leaseOwner: owner }).where(eq(webhooks.id, target.id));
        }
        return due;
      });
    },
    async nextEvent(webhookId) {
      const subscribed = and(
        gt(events.id, webhooks.lastEventId),
        sql`${webhooks.eventTypes} ? ${events.type}`,
      );
      const [row] = await db
        .select(storedEvent)
        .from(events)
        .innerJoin(webhooks, subscribed)
        .where(and(eq(webhooks.id, webhookId), eq(webhooks.status, 'active')))
        .orderBy(events.id)
        .limit(1);
      return row;
    },
    async nextRedelivery(webhookId) {
      const [row] = await db
        .select({ redeliveryId: webhookRedeliveries.id, ...storedEvent })
        .from(webhookRedeliveries)
        .innerJoin(events, eq(events.id, webhookRedeliveries.eventId))
        .where(eq(webhookRedeliveries.webhookId, webhookId))
        .orderBy(webhookRedeliveries.id)
        .limit(1);
      if (!row) return undefined;
      const { redeliveryId, ...event } = row;
      return { id: redeliveryId, event };
    },
  };
}

/** Recording attempts and giving leases up, each in one write transaction. */
function recording(db: PostgresDb): Omit<Queue, 'claimDue' | 'nextEvent' | 'nextRedelivery'> {
  const write = <T>(work: (tx: Tx) => Promise<T>) => writeTransaction(db, work);
  return {
    recordSuccess: (attempt, owner, leasedUntil) =>
      write(async (tx) => {
        const advanced = await tx
          .update(webhooks)
          .set({
            lastEventId: attempt.eventId,
            attempt: 0,
            failingSince: null,
            nextAttemptAt: 0,
            leasedUntil,
          })
          .where(leased(attempt.webhookId, owner))
          .returning({ id: webhooks.id });
        if (advanced.length === 0) return false;
        await store(tx, attempt, null);
        return true;
      }),
    recordFailure: (attempt, owner, failingSince, after) =>
      write((tx) => fail(tx, attempt, owner, failingSince, after)),
    recordRedelivery: (redeliveryId, attempt, owner, leasedUntil) =>
      write(async (tx) => {
        await tx.update(webhooks).set({ leasedUntil }).where(leased(attempt.webhookId, owner));
        const taken = await tx
          .delete(webhookRedeliveries)
          .where(eq(webhookRedeliveries.id, redeliveryId))
          .returning({ id: webhookRedeliveries.id });
        if (taken.length > 0) await store(tx, attempt, null);
      }),
    release: (webhookId, owner) =>
      write(async (tx) => {
        await tx.execute(passOver(webhookId, owner));
        await tx.update(webhooks).set({ leasedUntil: 0, leaseOwner: null }).where(leased(webhookId, owner));
      }),
  };
}

/** The dispatcher's side: leasing due subscriptions and recording attempts. */
export function createWebhookDeliveryQueue(db: PostgresDb): Queue {
  return { ...leasing(db), ...recording(db) };
}
