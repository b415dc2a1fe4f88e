import type { CollectionQuery } from '../../domain/collections.js';
import type { Page } from '../../domain/page.js';
import { decodeCursor } from '../../lib/cursor.js';
import { nameKey } from '../../lib/names.js';
import { type CountCursor, isCountCursor, isNameCursor, type NameCursor, pageOf } from '../cursors.js';
import { isNumericId } from '../ids.js';
import type { Db } from './connection.js';
import { statementCache } from './statements.js';

interface NamedTable {
  table: 'authors' | 'tags';
  /** Columns selected besides id, slug and name. */
  extraColumns: string;
  /** The link table and its column naming this resource, for article counts. */
  linkTable: 'article_authors' | 'article_tags';
  linkColumn: 'author_id' | 'tag_id';
  /** A column holding the name folded by `nameKey`, when the collection can be searched by name. */
  nameKeyColumn?: 'name_key';
}

const whereOf = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

type NamedRow = { id: number; name: string; article_count: number };

/**
 * Authors and tags are both named collections listed by name (or by article count), with an
 * article count each; one implementation serves both so they page and count the same way.
 *
 * The count is a correlated subquery over the link table's (resource, article) index. Sorting by it
 * computes it for every row, so a page costs a scan of the collection: fine for the thousands of
 * tags and authors a catalogue has; a stored counter would be the next step past that.
 */
export function createNamedRepository<T extends NamedRow>(db: Db, spec: NamedTable) {
  const prepare = statementCache(db.$client);
  const columns = `x.id, x.slug, x.name${spec.extraColumns}, (SELECT count(*) FROM ${spec.linkTable} l
    WHERE l.${spec.linkColumn} = x.id) AS article_count`;
  const byId = prepare<T>(`SELECT ${columns} FROM ${spec.table} x WHERE x.id = ?`);
  const bySlug = prepare<T>(`SELECT ${columns} FROM ${spec.table} x WHERE x.slug = ?`);

  /** Filters shared by the page query and the total count. */
  function filterOf(query: CollectionQuery): { clauses: string[]; params: Record<string, unknown> } {
    if (query.q === undefined || !spec.nameKeyColumn) return { clauses: [], params: {} };
    // The folded key holds only letters, digits and single spaces, so it needs no LIKE escaping;
    // the leading space makes one pattern match the start of the name and the start of any word.
    return {
      clauses: [`(' ' || x.${spec.nameKeyColumn}) LIKE @namePattern`],
      params: { namePattern: `% ${nameKey(query.q)}%` },
    };
  }

  function byName(query: CollectionQuery, filter: ReturnType<typeof filterOf>) {
    const clauses = [...filter.clauses];
    const params: Record<string, unknown> = { ...filter.params, take: query.limit + 1 };
    if (query.cursor) {
      const [name, id] = decodeCursor<NameCursor>(query.cursor, isNameCursor);
      clauses.push('x.name >= @name AND (x.name > @name OR x.id > @afterId)');
      params.name = name;
      params.afterId = id;
    }
    const rows = prepare<T>(
      `name:${clauses.length}:${query.cursor !== undefined}`,
      () => `SELECT ${columns} FROM ${spec.table} x ${whereOf(clauses)} ORDER BY x.name, x.id LIMIT @take`,
    ).all(params);
    return { rows, cursorOf: (row: T) => [row.name, row.id] };
  }

  function byArticleCount(query: CollectionQuery, filter: ReturnType<typeof filterOf>) {
    const params: Record<string, unknown> = { ...filter.params, take: query.limit + 1 };
    let after = '';
    if (query.cursor) {
      const [count, name, id] = decodeCursor<CountCursor>(query.cursor, isCountCursor);
      // Most used first, then by name and id: the cursor's row is the last one strictly before the page.
      after = `WHERE c.article_count <= @count AND (c.article_count < @count OR c.name > @name
        OR (c.name = @name AND c.id > @afterId))`;
      Object.assign(params, { count, name, afterId: id });
    }
    const rows = prepare<T>(
      `count:${filter.clauses.length}:${after !== ''}`,
      () => `SELECT * FROM (SELECT ${columns} FROM ${spec.table} x ${whereOf(filter.clauses)}) c ${after}
        ORDER BY c.article_count DESC, c.name, c.id LIMIT @take`,
    ).all(params);
    return { rows, cursorOf: (row: T) => [row.article_count, row.name, row.id] };
  }

  return {
    async list(query: CollectionQuery): Promise<Page<T>> {
      const filter = filterOf(query);
      const { rows, cursorOf } =
        query.sort === '-article_count' ? byArticleCount(query, filter) : byName(query, filter);
      const { rows: data, nextCursor } = pageOf(rows, query.limit, cursorOf);
      const page: Page<T>['page'] = { next_cursor: nextCursor, limit: query.limit };
      if (query.includeTotal) {
        page.total =
          prepare<number>(
            `total:${filter.clauses.length}`,
            () => `SELECT count(*) FROM ${spec.table} x ${whereOf(filter.clauses)}`,
          )
            .pluck()
            .get(filter.params) ?? 0;
      }
      return { data, page };
    },

    async find(idOrSlug: string): Promise<T | undefined> {
      return isNumericId(idOrSlug) ? byId.get(Number(idOrSlug)) : bySlug.get(idOrSlug);
    },
  };
}
