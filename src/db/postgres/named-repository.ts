import { type AnyColumn, and, eq, type SQL, sql } from 'drizzle-orm';
import type { CollectionQuery } from '../../domain/collections.js';
import type { Page } from '../../domain/page.js';
import { decodeCursor } from '../../lib/cursor.js';
import { nameKey } from '../../lib/names.js';
import { type CountCursor, isCountCursor, isNameCursor, type NameCursor, pageOf } from '../cursors.js';
import { isNumericId } from '../ids.js';
import { bigintBound, fitsIdColumn, storable, textIdBound } from './bounds.js';

type NamedRow = { id: number; name: string; article_count: number };

/** One named collection (authors or tags) as the generic paging below needs it. */
export interface NamedSource<T extends NamedRow> {
  id: AnyColumn;
  name: AnyColumn;
  /** The article count of the row, as an expression over the table. */
  articleCount: SQL<number>;
  /** The name folded by `nameKey`, when the collection can be searched by name. */
  nameKey?: AnyColumn;
  /** Rows of the collection: the table's own typed select. */
  select(where: SQL | undefined, order: SQL[], limit: number): Promise<T[]>;
  count(where: SQL | undefined): Promise<{ n: number }[]>;
}

/**
 * Authors and tags listed by name or by article count, with the same cursors, order and totals as
 * on SQLite. Names compare byte by byte (COLLATE "C"), as SQLite's do, whatever the database's collation.
 */
export function createNamedReads<T extends NamedRow>(source: NamedSource<T>) {
  const name = sql`${source.name} COLLATE "C"`;

  function filterOf(query: CollectionQuery): SQL | undefined {
    if (query.q === undefined || !source.nameKey) return undefined;
    // The folded key holds only letters, digits and single spaces, so it needs no LIKE escaping.
    return sql`(' ' || ${source.nameKey}) LIKE ${`% ${nameKey(query.q)}%`}`;
  }

  function byName(query: CollectionQuery, filter: SQL | undefined) {
    let after: SQL | undefined;
    if (query.cursor) {
      const [last, id] = decodeCursor<NameCursor>(query.cursor, isNameCursor);
      after = sql`(${name}, ${source.id}) > ${textIdBound(last, id)}`;
    }
    const rows = source.select(and(filter, after), [name, sql`${source.id}`], query.limit + 1);
    return { rows, cursorOf: (row: T) => [row.name, row.id] };
  }

  function byArticleCount(query: CollectionQuery, filter: SQL | undefined) {
    let after: SQL | undefined;
    if (query.cursor) {
      const [n, last, id] = decodeCursor<CountCursor>(query.cursor, isCountCursor);
      // Most used first, then by name and id: the cursor's row is the last one strictly before the page.
      const count = bigintBound(n);
      after = sql`(${source.articleCount} < ${count} OR (${source.articleCount} = ${count}
        AND (${name}, ${source.id}) > ${textIdBound(last, id)}))`;
    }
    const order = [sql`${source.articleCount} DESC`, name, sql`${source.id}`];
    const rows = source.select(and(filter, after), order, query.limit + 1);
    return { rows, cursorOf: (row: T) => [row.article_count, row.name, row.id] };
  }

  return {
    async list(query: CollectionQuery): Promise<Page<T>> {
      const filter = filterOf(query);
      const { rows, cursorOf } =
        query.sort === '-article_count' ? byArticleCount(query, filter) : byName(query, filter);
      const { rows: data, nextCursor } = pageOf(await rows, query.limit, cursorOf);
      const page: Page<T>['page'] = { next_cursor: nextCursor, limit: query.limit };
      if (query.includeTotal) page.total = (await source.count(filter))[0]?.n ?? 0;
      return { data, page };
    },

    /** By id, or by the slug column `slug`. */
    async find(idOrSlug: string, slug: AnyColumn): Promise<T | undefined> {
      if (!isNumericId(idOrSlug)) {
        return storable(idOrSlug) ? (await source.select(eq(slug, idOrSlug), [], 1))[0] : undefined;
      }
      const id = Number(idOrSlug);
      return fitsIdColumn(id) ? (await source.select(eq(source.id, id), [], 1))[0] : undefined;
    },
  };
}
