/**
 * The shapes of list cursors, shared by both engines: a cursor one engine gave out continues the
 * same walk on the other (an export moved to PostgreSQL keeps clients' cursors working).
 */
import { encodeCursor } from '../lib/cursor.js';

/**
 * A page cut from rows read with one beyond `limit`: that extra row says more follow, and the
 * next cursor is the sort values (`cursorOf`) of the last row kept.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => readonly (string | number | null)[],
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(cursorOf(kept.at(-1)!)) };
}

/** An article list by date: the sort key and id of the last article served. */
export type DateCursor = [string, number];
export const isDateCursor = (values: unknown[]): values is DateCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

/** How many results a relevance-sorted walk covers, as search engines cap deep relevance paging. */
export const relevanceWalkLimit = 200;

/**
 * A relevance walk is the ranking as it stood at the first page: the cursor carries the ids still to
 * come, so articles that arrive, and ranks that shift with them, cannot reorder it mid-walk.
 */
export type RelevanceCursor = ['relevance', ...number[]];
export const isRelevanceCursor = (values: unknown[]): values is RelevanceCursor =>
  values[0] === 'relevance' &&
  values.length <= relevanceWalkLimit + 1 &&
  values.slice(1).every((id) => Number.isInteger(id) && (id as number) > 0);

/** Authors or tags by name: the name key and id of the last one served. */
export type NameCursor = [string, number];
export const isNameCursor = (values: unknown[]): values is NameCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

/** Authors or tags by article count: the count, name key and id of the last one served. */
export type CountCursor = [number, string, number];
export const isCountCursor = (values: unknown[]): values is CountCursor =>
  values.length === 3 &&
  Number.isInteger(values[0]) &&
  typeof values[1] === 'string' &&
  Number.isInteger(values[2]);
