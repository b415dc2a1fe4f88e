import type { Column, Table } from 'drizzle-orm';

/** A column's value as better-sqlite3 returns it: JSON columns as their text, booleans as 0 or 1. */
type StoredValue<C extends Column> =
  | (C['_']['dataType'] extends 'json'
      ? string
      : C['_']['dataType'] extends 'boolean'
        ? number
        : C['_']['data'])
  | (C['_']['notNull'] extends true ? never : null);

/**
 * A table's row as raw SQL reads it (`SELECT * FROM table`), derived from the Drizzle schema: keys
 * are the SQL column names, values what the driver returns before Drizzle maps them. Statements
 * the query builder cannot write (FTS5, JSON functions, CTEs) pick their result types from these.
 */
export type StoredRow<T extends Table> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: StoredValue<T['_']['columns'][K]>;
};
