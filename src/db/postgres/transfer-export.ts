import type pg from 'pg';
import type { ExportSnapshot } from '../../domain/ports.js';
import type { ExportLine, ExportSection } from '../../domain/transfer.js';
import { articleColumns, authorColumns, ingestColumns, tagColumns } from '../transfer-columns.js';

type Line<T extends ExportLine['type']> = Extract<ExportLine, { type: T }>;
type IngestLine = Line<'ingest'>['ingest'];
type ArticleLine = Line<'article'>;

const unlinked = (table: string, link: string, column: string, columns: string) =>
  `SELECT ${columns} FROM ${table} WHERE id > $1
    AND NOT EXISTS (SELECT 1 FROM ${link} WHERE ${column} = ${table}.id) ORDER BY id LIMIT $2`;

const sql = {
  authors: unlinked('authors', 'article_authors', 'author_id', authorColumns),
  tags: unlinked('tags', 'article_tags', 'tag_id', tagColumns),
  tagAliases: 'SELECT slug FROM tag_slugs WHERE tag_id = $1 ORDER BY slug',
  articles: `SELECT ${articleColumns} FROM articles WHERE id > $1 ORDER BY id LIMIT $2`,
  articleAuthors: `SELECT ${authorColumns}, l.position FROM article_authors l
    JOIN authors ON authors.id = l.author_id WHERE l.article_id = $1 ORDER BY l.position`,
  articleTags: `SELECT ${tagColumns}, l.position, l.derived FROM article_tags l
    JOIN tags ON tags.id = l.tag_id WHERE l.article_id = $1 ORDER BY l.position`,
  oldSlugs: 'SELECT slug FROM article_slugs WHERE article_id = $1 ORDER BY slug',
  articleIngests: `SELECT ${ingestColumns} FROM ingests i
    JOIN raw_payloads p ON p.sha256 = i.raw_sha256 WHERE i.article_id = $1 ORDER BY i.id`,
  looseIngests: `SELECT ${ingestColumns} FROM ingests i JOIN raw_payloads p ON p.sha256 = i.raw_sha256
    WHERE i.article_id IS NULL AND i.id > $1 ORDER BY i.id LIMIT $2`,
  deleted: `SELECT article_id, slug, deleted_at, coalesce((SELECT json_agg(s.slug ORDER BY s.slug)
    FROM deleted_article_slugs s WHERE s.article_id = d.article_id), '[]') AS old_slugs
    FROM deleted_articles d WHERE article_id > $1 ORDER BY article_id LIMIT $2`,
  count: `SELECT
    (SELECT count(*) FROM authors WHERE NOT EXISTS (SELECT 1 FROM article_authors WHERE author_id = authors.id))
    + (SELECT count(*) FROM tags WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = tags.id))
    + (SELECT count(*) FROM articles) + (SELECT count(*) FROM ingests WHERE article_id IS NULL)
    + (SELECT count(*) FROM deleted_articles) AS lines`,
};

/** bigint ids arrive as strings from pg; they are well inside a double's exact range. */
function toIngest(row: Omit<IngestLine, 'raw' | 'id'> & { id: string; raw: Buffer }): IngestLine {
  return { ...row, id: Number(row.id), raw: row.raw.toString('base64') };
}

/** One query at a time: a pg client runs its queries in turn, and overlapping them is deprecated. */
async function inOrder<T, R>(items: T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await map(item));
  return results;
}

function reader(client: pg.PoolClient) {
  const rows = async <T>(text: string, values: unknown[]) => (await client.query(text, values)).rows as T[];
  const slugs = async (text: string, id: number) =>
    (await rows<{ slug: string }>(text, [id])).map((row) => row.slug);
  const tagWithAliases = async <T extends { id: number }>(tag: T) => ({
    ...tag,
    aliases: await slugs(sql.tagAliases, tag.id),
  });
  const ingests = async (text: string, values: unknown[]) =>
    (await rows<Parameters<typeof toIngest>[0]>(text, values)).map(toIngest);

  const article = async (row: ArticleLine['article']): Promise<ArticleLine> => ({
    type: 'article',
    article: row,
    authors: await rows<ArticleLine['authors'][number]>(sql.articleAuthors, [row.id]),
    tags: await inOrder(
      await rows<Omit<ArticleLine['tags'][number], 'aliases'>>(sql.articleTags, [row.id]),
      tagWithAliases,
    ),
    old_slugs: await slugs(sql.oldSlugs, row.id),
    ingests: await ingests(sql.articleIngests, [row.id]),
  });

  return async (section: ExportSection, after: number, limit: number): Promise<ExportLine[]> => {
    switch (section) {
      case 'author':
        return (await rows<Line<'author'>['author']>(sql.authors, [after, limit])).map((author) => ({
          type: 'author',
          author,
        }));
      case 'tag': {
        const tags = await rows<Omit<Line<'tag'>['tag'], 'aliases'>>(sql.tags, [after, limit]);
        return Promise.all(
          tags.map(async (tag) => ({ type: 'tag' as const, tag: await tagWithAliases(tag) })),
        );
      }
      case 'article': {
        return inOrder(await rows<ArticleLine['article']>(sql.articles, [after, limit]), article);
      }
      case 'ingest':
        return (await ingests(sql.looseIngests, [after, limit])).map((ingest) => ({
          type: 'ingest',
          ingest,
        }));
      case 'deleted':
        return (await rows<Line<'deleted'>['deleted']>(sql.deleted, [after, limit])).map((deleted) => ({
          type: 'deleted',
          deleted,
        }));
    }
  };
}

/** One connection in one repeatable-read, read-only transaction: a snapshot writes do not tear. */
export async function openPostgresExport(pool: pg.Pool): Promise<ExportSnapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const total = Number((await client.query<{ lines: string }>(sql.count)).rows[0]!.lines);
    const read = reader(client);
    return {
      async countLines() {
        return total;
      },
      readLines: read,
      async close() {
        await client.query('ROLLBACK').finally(() => client.release());
      },
    };
  } catch (error) {
    client.release(true);
    throw error;
  }
}
