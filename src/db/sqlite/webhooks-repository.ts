import type Database from 'better-sqlite3';
import type { Page } from '../../domain/page.js';
import type {
  AfterFailure,
  DeliveryAttempt,
  StoredEvent,
  WebhooksRepository,
  WebhookTarget,
} from '../../domain/ports.js';
import type { Webhook, WebhookDelivery } from '../../domain/webhooks.js';
import { decodeCursor } from '../../lib/cursor.js';
import { pageOf } from '../cursors.js';
import type { Db } from './connection.js';
import type { StoredRow } from './rows.js';
import type { events, webhookDeliveries, webhookRedeliveries, webhooks } from './schema.js';
import { writeGateOf } from './writes.js';

type WebhookColumns = StoredRow<typeof webhooks>;
type WebhookRow = Pick<
  WebhookColumns,
  'id' | 'url' | 'description' | 'event_types' | 'status' | 'disabled_reason' | 'last_event_id' | 'created_at'
>;
const toWebhook = (row: WebhookRow): Webhook => ({ ...row, event_types: JSON.parse(row.event_types) });

type DeliveryRow = Pick<
  StoredRow<typeof webhookDeliveries>,
  | 'id'
  | 'event_id'
  | 'attempt'
  | 'redelivery'
  | 'status_code'
  | 'error'
  | 'duration_ms'
  | 'response_body'
  | 'attempted_at'
  | 'next_attempt_at'
>;
type EventRow = Pick<StoredRow<typeof events>, 'id' | 'type' | 'occurred_at' | 'data'>;
type TargetRow = Pick<WebhookColumns, 'id' | 'url' | 'secret' | 'attempt'> & {
  failingSince: WebhookColumns['failing_since'];
  nextAttemptAt: WebhookColumns['next_attempt_at'];
};
const toDelivery = (row: DeliveryRow): WebhookDelivery => ({ ...row, redelivery: row.redelivery === 1 });

const isIdCursor = (values: unknown[]): values is [number] =>
  values.length === 1 && Number.isSafeInteger(values[0]);

/** How many of its latest attempts a subscription keeps for `GET /v1/webhooks/{id}/deliveries`. */
const keptAttempts = 1000;

/** Events of a subscription's types after its cursor; `w` is the subscription. */
const pendingEvents =
  'FROM events e WHERE e.id > w.last_event_id AND e.type IN (SELECT value FROM json_each(w.event_types))';

function statements(sqlite: Database.Database) {
  const webhookColumns =
    'id, url, description, event_types, status, disabled_reason, last_event_id, created_at';
  return {
    insert: sqlite.prepare<[string, string, string, string, string], WebhookRow>(
      `INSERT INTO webhooks (url, description, event_types, secret, last_event_id, created_at)
       VALUES (?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM events), ?) RETURNING ${webhookColumns}`,
    ),
    all: sqlite.prepare<[], WebhookRow>(`SELECT ${webhookColumns} FROM webhooks ORDER BY id`),
    byId: sqlite.prepare<[number], WebhookRow>(`SELECT ${webhookColumns} FROM webhooks WHERE id = ?`),
    remove: sqlite.prepare('DELETE FROM webhooks WHERE id = ?'),
    enable: sqlite.prepare(
      `UPDATE webhooks SET status = 'active', disabled_reason = NULL, attempt = 0, failing_since = NULL,
        next_attempt_at = 0 WHERE id = ? AND status = 'disabled'`,
    ),
    deliveries: sqlite.prepare<{ webhookId: number; before: number; take: number }, DeliveryRow>(
      `SELECT id, event_id, attempt, redelivery, status_code, error, duration_ms, response_body,
        attempted_at, next_attempt_at FROM webhook_deliveries
       WHERE webhook_id = @webhookId AND id < @before ORDER BY id DESC LIMIT @take`,
    ),
    event: sqlite.prepare<[number], EventRow>('SELECT id, type, occurred_at, data FROM events WHERE id = ?'),
    queue: sqlite.prepare(
      'INSERT INTO webhook_redeliveries (webhook_id, event_id, requested_at) VALUES (?, ?, ?)',
    ),
    due: sqlite.prepare<{ now: number; limit: number }, TargetRow>(
      `SELECT w.id, w.url, w.secret, w.attempt, w.failing_since AS failingSince,
        w.next_attempt_at AS nextAttemptAt FROM webhooks w
       WHERE w.leased_until < @now AND (
         (w.status = 'active' AND w.next_attempt_at <= @now AND EXISTS (SELECT 1 ${pendingEvents}))
         OR EXISTS (SELECT 1 FROM webhook_redeliveries r WHERE r.webhook_id = w.id))
       ORDER BY w.next_attempt_at, w.id LIMIT @limit`,
    ),
    lease: sqlite.prepare('UPDATE webhooks SET leased_until = ?, lease_owner = ? WHERE id = ?'),
    next: sqlite.prepare<[number], EventRow>(
      `SELECT e.id, e.type, e.occurred_at, e.data ${pendingEvents.replace('FROM events e', 'FROM webhooks w, events e')}
       AND w.id = ? AND w.status = 'active' ORDER BY e.id LIMIT 1`,
    ),
    nextRedelivery: sqlite.prepare<
      [number],
      EventRow & { redeliveryId: StoredRow<typeof webhookRedeliveries>['id'] }
    >(
      `SELECT r.id AS redeliveryId, e.id, e.type, e.occurred_at, e.data FROM webhook_redeliveries r
       JOIN events e ON e.id = r.event_id WHERE r.webhook_id = ? ORDER BY r.id LIMIT 1`,
    ),
    unqueue: sqlite.prepare('DELETE FROM webhook_redeliveries WHERE id = ?'),
    record: sqlite.prepare(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, attempt, redelivery, status_code, error,
        duration_ms, response_body, attempted_at, next_attempt_at)
       VALUES (@webhookId, @eventId, @attempt, @redelivery, @statusCode, @error, @durationMs,
        @responseBody, @attemptedAt, @nextAttemptAtIso)`,
    ),
    // Attempts past the newest `keptAttempts` of a subscription are let go as each new one is stored.
    prune: sqlite.prepare(
      `DELETE FROM webhook_deliveries WHERE webhook_id = @webhookId AND id <= (SELECT id FROM
        webhook_deliveries WHERE webhook_id = @webhookId ORDER BY id DESC LIMIT 1 OFFSET ${keptAttempts})`,
    ),
    advance: sqlite.prepare(
      `UPDATE webhooks SET last_event_id = ?, attempt = 0, failing_since = NULL, next_attempt_at = 0,
        leased_until = ? WHERE id = ? AND lease_owner = ?`,
    ),
    retryLater: sqlite.prepare(
      `UPDATE webhooks SET attempt = attempt + 1, failing_since = ?, next_attempt_at = ?,
        leased_until = 0, lease_owner = NULL WHERE id = ? AND lease_owner = ?`,
    ),
    disable: sqlite.prepare(
      `UPDATE webhooks SET status = 'disabled', disabled_reason = ?, attempt = attempt + 1,
        failing_since = ?, leased_until = 0, lease_owner = NULL WHERE id = ? AND lease_owner = ?`,
    ),
    release: sqlite.prepare(
      'UPDATE webhooks SET leased_until = 0, lease_owner = NULL WHERE id = ? AND lease_owner = ?',
    ),
    // Caught up: the cursor passes the events it does not take, so no later look scans them again.
    // Events are written only under the write lock this runs under, so none can slip in between.
    passOver: sqlite.prepare(
      `UPDATE webhooks SET last_event_id = (SELECT coalesce(max(id), 0) FROM events)
       WHERE id = ? AND lease_owner = ? AND status = 'active' AND NOT EXISTS (SELECT 1 FROM events e
         WHERE e.id > webhooks.last_event_id AND e.type IN (SELECT value FROM json_each(webhooks.event_types)))`,
    ),
    renew: sqlite.prepare('UPDATE webhooks SET leased_until = ? WHERE id = ? AND lease_owner = ?'),
  };
}

const recordOf = (attempt: DeliveryAttempt, nextAttemptAt: number | null) => ({
  ...attempt,
  redelivery: attempt.redelivery ? 1 : 0,
  nextAttemptAtIso: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
});

type Statements = ReturnType<typeof statements>;

function store(sql: Statements, attempt: DeliveryAttempt, nextAttemptAt: number | null): void {
  sql.record.run(recordOf(attempt, nextAttemptAt));
  sql.prune.run({ webhookId: attempt.webhookId });
}

/** Creating, listing and deleting subscriptions, their attempts and re-send requests. */
function subscriptionStore(sqlite: Database.Database, sql: Statements) {
  const gate = writeGateOf(sqlite);
  return {
    async createWebhook(input: Parameters<WebhooksRepository['createWebhook']>[0]) {
      const insert = () =>
        sql.insert.get(
          input.url,
          input.description,
          JSON.stringify(input.eventTypes),
          input.secret,
          input.now,
        );
      const row = await gate.write(() => sqlite.transaction(insert).immediate());
      if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
      return toWebhook(row);
    },
    async listWebhooks() {
      return sql.all.all().map(toWebhook);
    },
    async findWebhook(id: number) {
      const row = sql.byId.get(id);
      return row && toWebhook(row);
    },
    async deleteWebhook(id: number) {
      return gate.write(() => sqlite.transaction(() => sql.remove.run(id).changes === 1).immediate());
    },
    async enableWebhook(id: number) {
      const row = await gate.write(() =>
        sqlite
          .transaction(() => {
            sql.enable.run(id);
            return sql.byId.get(id);
          })
          .immediate(),
      );
      return row ? toWebhook(row) : undefined;
    },
    async listDeliveries(webhookId: number, query: { limit: number; cursor?: string | undefined }) {
      const before = query.cursor
        ? decodeCursor<[number]>(query.cursor, isIdCursor)[0]
        : Number.MAX_SAFE_INTEGER;
      const rows = sql.deliveries.all({ webhookId, before, take: query.limit + 1 });
      const { rows: kept, nextCursor } = pageOf(rows, query.limit, (last) => [last.id]);
      const page: Page<WebhookDelivery> = {
        data: kept.map(toDelivery),
        page: { next_cursor: nextCursor, limit: query.limit },
      };
      return page;
    },
    async findEvent(id: number) {
      return sql.event.get(id);
    },
    async queueRedelivery(webhookId: number, eventId: number, now: string) {
      await gate.write(() => sqlite.transaction(() => sql.queue.run(webhookId, eventId, now)).immediate());
    },
  };
}

/** The dispatcher's side: leasing due subscriptions and recording attempts. */
function deliveryQueue(sqlite: Database.Database, sql: Statements) {
  const gate = writeGateOf(sqlite);
  const claim = sqlite.transaction((owner: string, now: number, leasedUntil: number, limit: number) => {
    const due: WebhookTarget[] = sql.due.all({ now, limit });
    for (const target of due) sql.lease.run(leasedUntil, owner, target.id);
    return due;
  });
  const succeed = sqlite.transaction((attempt: DeliveryAttempt, owner: string, leasedUntil: number) => {
    if (sql.advance.run(attempt.eventId, leasedUntil, attempt.webhookId, owner).changes === 0) return false;
    store(sql, attempt, null);
    return true;
  });
  const fail = sqlite.transaction(
    (attempt: DeliveryAttempt, owner: string, failingSince: number, after: AfterFailure) => {
      const changed =
        'disabledReason' in after
          ? sql.disable.run(after.disabledReason, failingSince, attempt.webhookId, owner)
          : sql.retryLater.run(failingSince, after.nextAttemptAt, attempt.webhookId, owner);
      // A lost lease means another process owns the subscription now; its record is the one kept.
      if (changed.changes === 0) return;
      store(sql, attempt, 'nextAttemptAt' in after ? after.nextAttemptAt : null);
    },
  );
  const redelivered = sqlite.transaction(
    (redeliveryId: number, attempt: DeliveryAttempt, owner: string, leasedUntil: number) => {
      sql.renew.run(leasedUntil, attempt.webhookId, owner);
      if (sql.unqueue.run(redeliveryId).changes === 0) return;
      store(sql, attempt, null);
    },
  );
  const release = sqlite.transaction((webhookId: number, owner: string) => {
    sql.passOver.run(webhookId, owner);
    sql.release.run(webhookId, owner);
  });
  return {
    async claimDue(owner: string, now: number, leasedUntil: number, limit: number) {
      // A read first: most polls find nothing due and then take no write lock at all.
      if (sql.due.all({ now, limit: 1 }).length === 0) return [];
      return gate.write(() => claim.immediate(owner, now, leasedUntil, limit));
    },
    nextEvent: async (webhookId: number): Promise<StoredEvent | undefined> => sql.next.get(webhookId),
    async nextRedelivery(webhookId: number) {
      const row = sql.nextRedelivery.get(webhookId);
      if (!row) return undefined;
      const { redeliveryId, ...event } = row;
      return { id: redeliveryId, event };
    },
    recordSuccess: (attempt: DeliveryAttempt, owner: string, leasedUntil: number) =>
      gate.write(() => succeed.immediate(attempt, owner, leasedUntil)),
    recordFailure: (attempt: DeliveryAttempt, owner: string, failingSince: number, after: AfterFailure) =>
      gate.write(() => fail.immediate(attempt, owner, failingSince, after)),
    recordRedelivery: (redeliveryId: number, attempt: DeliveryAttempt, owner: string, leasedUntil: number) =>
      gate.write(() => redelivered.immediate(redeliveryId, attempt, owner, leasedUntil)),
    release: (webhookId: number, owner: string) => gate.write(() => release.immediate(webhookId, owner)),
  };
}

export function createWebhooksRepository(db: Db): WebhooksRepository {
  const sqlite = db.$client;
  const sql = statements(sqlite);
  return { ...subscriptionStore(sqlite, sql), ...deliveryQueue(sqlite, sql) };
}
