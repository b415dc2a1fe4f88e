import type { ChangeEvent } from '../../domain/changes.js';
import type { ChangesRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';

type EventRow = Omit<ChangeEvent, 'data'> & { data: string };

/**
 * Reads the change feed. An event is served only while it is its resource's latest: once an article,
 * author or tag changes again (or is deleted), a trigger marks its earlier events superseded and they
 * drop out. Replaying the feed still rebuilds the current state, since the latest event carries the
 * whole resource, and nothing the API no longer serves (a deleted article's body, an old version)
 * stays readable through it. The partial index `events_live` holds only the latest events, so a
 * page costs the same however many superseded events lie between its cursor and the next live one.
 */
export function createChangesRepository(db: Db): ChangesRepository {
  const sqlite = db.$client;
  const page = sqlite.prepare(`SELECT id, type, resource_id, occurred_at, data FROM events
    WHERE superseded = 0 AND id > ? ORDER BY id LIMIT ?`);
  const latest = sqlite.prepare('SELECT coalesce(max(id), 0) FROM events').pluck();

  return {
    async listChanges(after: number, limit: number): Promise<ChangeEvent[]> {
      const rows = page.all(after, limit) as EventRow[];
      return rows.map((row) => ({ ...row, data: JSON.parse(row.data) }));
    },
    async latestChangeId(): Promise<number> {
      return latest.get() as number;
    },
  };
}
