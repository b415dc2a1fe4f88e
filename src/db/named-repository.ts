import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import type { CollectionQuery, Page } from '../services/model.js';
import type { Db } from './connection.js';
import { isNumericId, statementCache } from './statements.js';

type NameCursor = [string, number];
const isNameCursor = (values: unknown[]): values is NameCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

interface NamedTable {
  table: 'authors' | 'tags';
  /** Columns selected besides id, slug and name. */
  extraColumns: string;
  /** The link table and its column naming this resource, for article counts. */
  linkTable: 'article_authors' | 'article_tags';
  linkColumn: 'author_id' | 'tag_id';
}

/**
 * Authors and tags are both named collections listed by name, with an article count each;
 * one implementation serves both so they page and count the same way.
 */
export function createNamedRepository<T extends { id: number; name: string }>(db: Db, spec: NamedTable) {
  const prepare = statementCache(db.$client);
  const columns = `x.id, x.slug, x.name${spec.extraColumns}, (SELECT count(*) FROM ${spec.linkTable} l
    WHERE l.${spec.linkColumn} = x.id) AS article_count`;
  const byId = prepare(`SELECT ${columns} FROM ${spec.table} x WHERE x.id = ?`);
  const bySlug = prepare(`SELECT ${columns} FROM ${spec.table} x WHERE x.slug = ?`);

  return {
    async list(query: CollectionQuery): Promise<Page<T>> {
      const clauses: string[] = [];
      const params: Record<string, unknown> = { take: query.limit + 1 };
      if (query.cursor) {
        const [name, id] = decodeCursor<NameCursor>(query.cursor, isNameCursor);
        clauses.push('x.name >= @name AND (x.name > @name OR x.id > @afterId)');
        params.name = name;
        params.afterId = id;
      }
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      const rows = prepare(
        `SELECT ${columns} FROM ${spec.table} x ${where} ORDER BY x.name, x.id LIMIT @take`,
      ).all(params) as T[];
      const hasMore = rows.length > query.limit;
      const data = hasMore ? rows.slice(0, query.limit) : rows;
      const last = data.at(-1);
      const page: Page<T>['page'] = {
        next_cursor: hasMore && last ? encodeCursor([last.name, last.id]) : null,
        limit: query.limit,
      };
      if (query.includeTotal) {
        page.total = (prepare(`SELECT count(*) AS n FROM ${spec.table}`).get() as { n: number }).n;
      }
      return { data, page };
    },

    async find(idOrSlug: string): Promise<T | undefined> {
      return (isNumericId(idOrSlug) ? byId.get(Number(idOrSlug)) : bySlug.get(idOrSlug)) as T | undefined;
    },
  };
}
