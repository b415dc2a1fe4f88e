import type { ChangeEvent } from '../domain/changes.js';
import type { ChangesRepository } from '../domain/ports.js';
import type { Db } from './connection.js';

type EventRow = Omit<ChangeEvent, 'data'> & { data: string };

/**
 * Reads the change feed. An event is served only while it is its resource's latest: once an article,
 * author or tag changes again (or is deleted), its earlier events drop out. Replaying the feed still
 * rebuilds the current state, since the latest event carries the whole resource, and nothing the API
 * no longer serves (a deleted article's body, an old version) stays readable through it.
 */
export function createChangesRepository(db: Db): ChangesRepository {
  const sqlite = db.$client;
  // `later.type IN (…)` lists the three types of the event's kind, so each is one probe of the
  // (type, resource_id) index, whose implicit rowid answers `later.id > e.id`.
  const page = sqlite.prepare(`SELECT e.id, e.type, e.resource_id, e.occurred_at, e.data FROM events e
    WHERE e.id > ? AND NOT EXISTS (
      SELECT 1 FROM events later
      WHERE later.type IN (substr(e.type, 1, instr(e.type, '.')) || 'created',
                           substr(e.type, 1, instr(e.type, '.')) || 'updated',
                           substr(e.type, 1, instr(e.type, '.')) || 'deleted')
        AND later.resource_id = e.resource_id AND later.id > e.id)
    ORDER BY e.id LIMIT ?`);
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
