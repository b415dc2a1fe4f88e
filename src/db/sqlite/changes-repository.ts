import { and, gt, sql } from 'drizzle-orm';
import type { ChangeEvent } from '../../domain/changes.js';
import type { ChangesRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';
import { events } from './schema.js';

/**
 * Reads the change feed. An event is served only while it is its resource's latest: once an article,
 * author or tag changes again (or is deleted), a trigger marks its earlier events superseded and they
 * drop out. Replaying the feed still rebuilds the current state, since the latest event carries the
 * whole resource, and nothing the API no longer serves (a deleted article's body, an old version)
 * stays readable through it. The partial index `events_live` holds only the latest events, so a
 * page costs the same however many superseded events lie between its cursor and the next live one.
 */
export function createChangesRepository(db: Db): ChangesRepository {
  const page = db
    .select({
      id: events.id,
      type: events.type,
      resource_id: events.resourceId,
      occurred_at: events.occurredAt,
      data: events.data,
    })
    .from(events)
    // A literal 0, not a parameter, so SQLite knows the partial index `events_live` applies.
    .where(and(sql`${events.superseded} = 0`, gt(events.id, sql.placeholder('after'))))
    .orderBy(events.id)
    .limit(sql.placeholder('limit'))
    .prepare();
  const latest = db
    .select({ id: sql<number>`coalesce(max(${events.id}), 0)` })
    .from(events)
    .prepare();

  return {
    async listChanges(after: number, limit: number): Promise<ChangeEvent[]> {
      const rows = page.all({ after, limit });
      return rows.map((row) => ({ ...row, data: JSON.parse(row.data) }));
    },
    async latestChangeId(): Promise<number> {
      return latest.get()?.id ?? 0;
    },
  };
}
