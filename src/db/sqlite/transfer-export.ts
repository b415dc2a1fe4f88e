import Database from 'better-sqlite3';
import type { ExportSnapshot } from '../../domain/ports.js';
import type { ExportLine, ExportSection } from '../../domain/transfer.js';
import { articleColumns, authorColumns, ingestColumns, tagColumns } from '../transfer-columns.js';
import { currentNames } from './collection-editing.js';
import type { StoredRow } from './rows.js';
import type {
  articleAuthors,
  articleSlugs,
  articles,
  articleTags,
  authors,
  deletedArticles,
  ingests,
  rawPayloads,
  tagSlugs,
  tags,
} from './schema.js';

type Line<T extends ExportLine['type']> = Extract<ExportLine, { type: T }>;
type IngestLine = Line<'ingest'>['ingest'];
type ArticleLine = Line<'article'>;

/** The rows of the export's statements, as `transfer-columns.ts` names their columns. */
type AuthorRow = Pick<
  StoredRow<typeof authors>,
  'id' | 'slug' | 'name' | 'name_key' | 'bio' | 'created_at' | 'updated_at'
>;
type TagRow = Pick<
  StoredRow<typeof tags>,
  'id' | 'slug' | 'name' | 'description' | 'created_at' | 'updated_at'
>;
type ArticleRow = Pick<
  StoredRow<typeof articles>,
  | 'id'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'excerpt'
  | 'body_text'
  | 'body_html'
  | 'images'
  | 'language'
  | 'word_count'
  | 'reading_time_minutes'
  | 'published_at'
  | 'source_url'
  | 'content_hash'
  | 'author_names'
  | 'tag_names'
  | 'simhash'
  | 'edited_at'
  | 'created_at'
  | 'updated_at'
>;
type IngestRow = Pick<
  StoredRow<typeof ingests>,
  | 'id'
  | 'received_at'
  | 'content_type'
  | 'source_url'
  | 'raw_sha256'
  | 'overrides'
  | 'status'
  | 'article_id'
  | 'duplicate_of'
  | 'warnings'
  | 'report'
  | 'parser_version'
  | 'idempotency_key'
  | 'idempotency_caller'
> &
  Pick<StoredRow<typeof rawPayloads>, 'raw'>;
type DeletedRow = Pick<StoredRow<typeof deletedArticles>, 'article_id' | 'slug' | 'deleted_at'> & {
  old_slugs: string;
};

function toIngest(row: IngestRow): IngestLine {
  return {
    ...row,
    raw: row.raw.toString('base64'),
    overrides: row.overrides === null ? null : JSON.parse(row.overrides),
    warnings: JSON.parse(row.warnings),
    report: JSON.parse(row.report),
  };
}

/** The statements of an export, on the connection that holds its snapshot. */
function exportStatements(sqlite: Database.Database) {
  const queued = currentNames('r.article_id');
  const unlinked = <Row>(table: string, link: string, column: string, columns: string) =>
    sqlite.prepare<[number, number], Row>(`SELECT ${columns} FROM ${table} WHERE id > ?
      AND NOT EXISTS (SELECT 1 FROM ${link} WHERE ${column} = ${table}.id) ORDER BY id LIMIT ?`);
  return {
    authors: unlinked<AuthorRow>('authors', 'article_authors', 'author_id', authorColumns),
    tags: unlinked<TagRow>('tags', 'article_tags', 'tag_id', tagColumns),
    tagAliases: sqlite
      .prepare<[number], StoredRow<typeof tagSlugs>['slug']>(
        'SELECT slug FROM tag_slugs WHERE tag_id = ? ORDER BY slug',
      )
      .pluck(),
    articles: sqlite.prepare<[number, number], ArticleRow>(
      `SELECT ${articleColumns} FROM articles WHERE id > ? ORDER BY id LIMIT ?`,
    ),
    // An article still queued after a rename has its names as the links make them, not as stored.
    queuedNames: sqlite.prepare<[number], Pick<ArticleRow, 'author_names' | 'tag_names'>>(
      `SELECT ${queued.authorNames} AS author_names, ${queued.tagNames} AS tag_names
      FROM article_name_refresh r WHERE r.article_id = ?`,
    ),
    articleAuthors: sqlite.prepare<
      [number],
      AuthorRow & Pick<StoredRow<typeof articleAuthors>, 'position'>
    >(`SELECT ${authorColumns}, l.position FROM article_authors l
      JOIN authors ON authors.id = l.author_id WHERE l.article_id = ? ORDER BY l.position`),
    articleTags: sqlite.prepare<
      [number],
      TagRow & Pick<StoredRow<typeof articleTags>, 'position' | 'derived'>
    >(`SELECT ${tagColumns}, l.position, l.derived FROM article_tags l
      JOIN tags ON tags.id = l.tag_id WHERE l.article_id = ? ORDER BY l.position`),
    oldSlugs: sqlite
      .prepare<[number], StoredRow<typeof articleSlugs>['slug']>(
        'SELECT slug FROM article_slugs WHERE article_id = ? ORDER BY slug',
      )
      .pluck(),
    articleIngests: sqlite.prepare<[number], IngestRow>(`SELECT ${ingestColumns} FROM ingests i
      JOIN raw_payloads p ON p.sha256 = i.raw_sha256 WHERE i.article_id = ? ORDER BY i.id`),
    looseIngests: sqlite.prepare<[number, number], IngestRow>(`SELECT ${ingestColumns} FROM ingests i
      JOIN raw_payloads p ON p.sha256 = i.raw_sha256
      WHERE i.article_id IS NULL AND i.id > ? ORDER BY i.id LIMIT ?`),
    deleted: sqlite.prepare<[number, number], DeletedRow>(
      `SELECT article_id, slug, deleted_at, (SELECT json_group_array(s.slug) FROM (SELECT slug
        FROM deleted_article_slugs WHERE article_id = d.article_id ORDER BY slug) s) AS old_slugs
      FROM deleted_articles d WHERE article_id > ? ORDER BY article_id LIMIT ?`,
    ),
    count: sqlite.prepare(`SELECT
      (SELECT count(*) FROM authors WHERE NOT EXISTS (SELECT 1 FROM article_authors WHERE author_id = authors.id))
      + (SELECT count(*) FROM tags WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = tags.id))
      + (SELECT count(*) FROM articles) + (SELECT count(*) FROM ingests WHERE article_id IS NULL)
      + (SELECT count(*) FROM deleted_articles)`),
  };
}

type Statements = ReturnType<typeof exportStatements>;

function articleLine(statements: Statements, row: ArticleRow): ArticleLine {
  const { images, ...article } = { ...row, ...statements.queuedNames.get(row.id) };
  const tags = statements.articleTags.all(article.id);
  return {
    type: 'article',
    article: { ...article, images: JSON.parse(images) },
    authors: statements.articleAuthors.all(article.id),
    tags: tags.map((tag) => ({
      ...tag,
      derived: tag.derived === 1,
      aliases: statements.tagAliases.all(tag.id),
    })),
    old_slugs: statements.oldSlugs.all(article.id),
    ingests: statements.articleIngests.all(article.id).map(toIngest),
  };
}

function readSection(
  statements: Statements,
  section: ExportSection,
  after: number,
  limit: number,
): ExportLine[] {
  switch (section) {
    case 'author':
      return statements.authors.all(after, limit).map((author) => ({ type: 'author', author }));
    case 'tag':
      return statements.tags.all(after, limit).map((tag) => ({
        type: 'tag',
        tag: { ...tag, aliases: statements.tagAliases.all(tag.id) },
      }));
    case 'article':
      return statements.articles.all(after, limit).map((row) => articleLine(statements, row));
    case 'ingest':
      return statements.looseIngests.all(after, limit).map((row) => ({
        type: 'ingest',
        ingest: toIngest(row),
      }));
    case 'deleted':
      return statements.deleted
        .all(after, limit)
        .map((row) => ({ type: 'deleted', deleted: { ...row, old_slugs: JSON.parse(row.old_slugs) } }));
  }
}

/**
 * An export reads from its own read-only connection inside one read transaction: WAL gives it a
 * snapshot, so writes made meanwhile (by a running server) do not tear it. An in-memory database
 * has no second connection; it is read on its own.
 */
export function openSqliteExport(sqlite: Database.Database): ExportSnapshot {
  const own = sqlite.memory ? undefined : new Database(sqlite.name, { readonly: true, fileMustExist: true });
  const connection = own ?? sqlite;
  if (own) {
    own.pragma('busy_timeout = 5000');
    own.exec('BEGIN');
  }
  const statements = exportStatements(connection);
  // The snapshot starts with the transaction's first read.
  const total = Number(statements.count.pluck().get());
  return {
    async countLines() {
      return total;
    },
    async readLines(section, afterKey, limit) {
      return readSection(statements, section, afterKey, limit);
    },
    async close() {
      if (!own) return;
      own.exec('ROLLBACK');
      own.close();
    },
  };
}
