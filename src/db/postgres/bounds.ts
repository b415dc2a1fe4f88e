import { type SQL, sql } from 'drizzle-orm';

/**
 * Values from requests, as SQLite takes them (cursors of any integer, any string): a value no stored
 * row can have must still compare or find nothing, not fail: PostgreSQL's integer columns reject numbers past 32 bits and
 * its text rejects NUL. These keep the comparison's meaning with values PostgreSQL accepts.
 */

const limit = 2 ** 53;

/** An integer of a cursor as a bigint parameter; past ±2^53 no id or count differs, so it is clamped. */
export const bigintBound = (value: number): SQL => sql`${Math.max(-limit, Math.min(limit, value))}::bigint`;

/**
 * A (text, id) keyset bound. Stored text never holds NUL, so a bound `abc\0…` lies between `abc`
 * and every longer text: the same as (`abc`, past every id), in either direction.
 */
export function textIdBound(text: string, id: number): SQL {
  const nul = text.indexOf('\u0000');
  return nul === -1
    ? sql`(${text}, ${bigintBound(id)})`
    : sql`(${text.slice(0, nul)}, ${bigintBound(limit)})`;
}

/** Whether PostgreSQL can hold the text: no stored slug or name holds NUL, so one that does finds nothing. */
export const storable = (text: string): boolean => !text.includes('\u0000');

/** Whether an id from a request fits the 32-bit identity columns: no stored row has a larger one. */
export const fitsIdColumn = (id: number): boolean => Number.isInteger(id) && id >= 1 && id < 2 ** 31;
