import { and, eq, gt, sql } from 'drizzle-orm';
import type { ChangeEvent } from '../../domain/changes.js';
import type { ChangesRepository } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { events } from './schema.js';

/**
 * Reads the change feed as ../changes-repository.ts does: each resource's latest event only.
 * PostgreSQL could commit concurrent writers out of id order, and a reader that passed an id an
 * open transaction later commits would skip that event for good. Here every event is written under
 * the advisory write lock (write-transaction.ts), held until commit, so events become visible in
 * id order and a reader may move past every id it sees.
 */
export function createPostgresChangesRepository(db: PostgresDb): ChangesRepository {
  return {
    async listChanges(after: number, limit: number): Promise<ChangeEvent[]> {
      const rows = await db
        .select({
          id: events.id,
          type: events.type,
          resource_id: events.resourceId,
          occurred_at: events.occurredAt,
          data: events.data,
        })
        .from(events)
        .where(and(eq(events.superseded, false), gt(events.id, after)))
        .orderBy(events.id)
        .limit(limit);
      return rows.map((row) => ({ ...row, data: JSON.parse(row.data) }));
    },
    async latestChangeId(): Promise<number> {
      const [row] = await db.select({ latest: sql<string>`coalesce(max(${events.id}), 0)` }).from(events);
      return Number(row?.latest ?? 0);
    },
  };
}
