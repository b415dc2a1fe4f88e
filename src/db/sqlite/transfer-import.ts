import type Database from 'better-sqlite3';
import type { ImportTransaction } from '../../domain/ports.js';
import type { ExportLine } from '../../domain/transfer.js';
import { Conflict } from '../../lib/errors.js';
import { createSimhashBands } from './simhash-bands.js';

type Line<T extends ExportLine['type']> = Extract<ExportLine, { type: T }>;

/** Tables whose rows mean the database already holds content; keys and webhooks may exist. */
const contentTables = ['articles', 'authors', 'tags', 'ingests', 'deleted_articles', 'events'];

function importStatements(sqlite: Database.Database) {
  return {
    // The same author or tag arrives with every article naming it: the first one is kept.
    author: sqlite.prepare(`INSERT INTO authors (id, slug, name, name_key, bio, created_at, updated_at)
      VALUES (@id, @slug, @name, @name_key, @bio, @created_at, @updated_at) ON CONFLICT (id) DO NOTHING`),
    tag: sqlite.prepare(`INSERT INTO tags (id, slug, name, description, created_at, updated_at)
      VALUES (@id, @slug, @name, @description, @created_at, @updated_at) ON CONFLICT (id) DO NOTHING`),
    tagAlias: sqlite.prepare(
      'INSERT INTO tag_slugs (slug, tag_id) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING',
    ),
    article: sqlite.prepare(`INSERT INTO articles (id, slug, title, subtitle, excerpt, body_text, body_html,
      images, language, word_count, reading_time_minutes, published_at, source_url, content_hash, author_names,
      tag_names, simhash, edited_at, created_at, updated_at) VALUES (@id, @slug, @title, @subtitle, @excerpt,
      @body_text, @body_html, @images, @language, @word_count, @reading_time_minutes, @published_at, @source_url,
      @content_hash, @author_names, @tag_names, @simhash, @edited_at, @created_at, @updated_at)`),
    articleAuthor: sqlite.prepare(
      'INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)',
    ),
    articleTag: sqlite.prepare(
      'INSERT INTO article_tags (article_id, tag_id, position, derived) VALUES (?, ?, ?, ?)',
    ),
    oldSlug: sqlite.prepare('INSERT INTO article_slugs (slug, article_id) VALUES (?, ?)'),
    payload: sqlite.prepare('INSERT OR IGNORE INTO raw_payloads (sha256, raw) VALUES (?, ?)'),
    ingest: sqlite.prepare(`INSERT INTO ingests (id, received_at, content_type, source_url, raw_sha256,
      overrides, status, article_id, duplicate_of, warnings, report, parser_version, idempotency_key,
      idempotency_caller) VALUES (@id, @received_at, @content_type, @source_url, @raw_sha256, @overrides,
      @status, @article_id, @duplicate_of, @warnings, @report, @parser_version, @idempotency_key,
      @idempotency_caller)`),
    deleted: sqlite.prepare(
      'INSERT INTO deleted_articles (article_id, slug, deleted_at) VALUES (@article_id, @slug, @deleted_at)',
    ),
    deletedSlug: sqlite.prepare('INSERT INTO deleted_article_slugs (slug, article_id) VALUES (?, ?)'),
    // A deleted article's id is never given out again, as AUTOINCREMENT promised before the move.
    articleSequence: sqlite.prepare(`INSERT INTO sqlite_sequence (name, seq)
      SELECT 'articles', highest FROM (SELECT max(article_id) AS highest FROM deleted_articles)
      WHERE highest IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'articles')`),
    raiseArticleSequence: sqlite.prepare(`UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT
      max(article_id) FROM deleted_articles), 0)) WHERE name = 'articles'`),
  };
}

type Statements = ReturnType<typeof importStatements>;

function writeTag(statements: Statements, tag: Line<'tag'>['tag']): void {
  const { aliases, ...row } = tag;
  statements.tag.run(row);
  for (const slug of aliases) statements.tagAlias.run(slug, tag.id);
}

function writeIngest(statements: Statements, ingest: Line<'ingest'>['ingest']): void {
  const { raw, ...row } = ingest;
  statements.payload.run(row.raw_sha256, Buffer.from(raw, 'base64'));
  statements.ingest.run({
    ...row,
    overrides: row.overrides === null ? null : JSON.stringify(row.overrides),
    warnings: JSON.stringify(row.warnings),
    report: JSON.stringify(row.report),
  });
}

function writeArticle(
  statements: Statements,
  bands: ReturnType<typeof createSimhashBands>,
  line: Line<'article'>,
) {
  const { article } = line;
  statements.article.run({ ...article, images: JSON.stringify(article.images) });
  bands.add(article.id, article.simhash);
  for (const { position, ...author } of line.authors) {
    statements.author.run(author);
    statements.articleAuthor.run(article.id, author.id, position);
  }
  for (const { position, derived, ...tag } of line.tags) {
    writeTag(statements, tag);
    statements.articleTag.run(article.id, tag.id, position, derived ? 1 : 0);
  }
  for (const slug of line.old_slugs) statements.oldSlug.run(slug, article.id);
  for (const ingest of line.ingests) writeIngest(statements, ingest);
}

function writeDeleted(statements: Statements, deleted: Line<'deleted'>['deleted']): void {
  const { old_slugs: oldSlugs, ...tombstone } = deleted;
  statements.deleted.run(tombstone);
  for (const slug of oldSlugs) statements.deletedSlug.run(slug, deleted.article_id);
}

/**
 * The whole import is one write transaction, begun before the emptiness check so nothing can slip
 * in between; foreign keys are checked at commit, so lines may name records that come later.
 */
export function beginSqliteImport(sqlite: Database.Database): ImportTransaction {
  sqlite.exec('BEGIN IMMEDIATE');
  const holding = contentTables.filter((table) => sqlite.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get());
  if (holding.length) {
    sqlite.exec('ROLLBACK');
    throw new Conflict(
      `the database is not empty (it has ${holding.join(', ')}); import only into a new database`,
    );
  }
  sqlite.pragma('defer_foreign_keys = ON');
  const statements = importStatements(sqlite);
  const bands = createSimhashBands(sqlite);
  return {
    async writeLines(lines) {
      for (const line of lines) {
        if (line.type === 'article') writeArticle(statements, bands, line);
        else if (line.type === 'author') statements.author.run(line.author);
        else if (line.type === 'tag') writeTag(statements, line.tag);
        else if (line.type === 'ingest') writeIngest(statements, line.ingest);
        else writeDeleted(statements, line.deleted);
      }
    },
    async commit() {
      statements.articleSequence.run();
      statements.raiseArticleSequence.run();
      sqlite.exec('COMMIT');
    },
    async rollback() {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    },
  };
}
