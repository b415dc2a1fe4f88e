import { z } from 'zod';
import { BadRequest } from '../lib/errors.js';
import { Image } from './article.js';
import { ingestStatuses } from './ingest.js';

/**
 * `gazette export` and `gazette import`: a database as NDJSON, one line per record, engine-neutral.
 * Records carry their ids and timestamps as stored, so an import serves what the export served.
 * The first line names the format; each article line carries its links, slug history and ingests.
 */
export const exportFormat = { format: 'gazette-export', version: 1 } as const;
const ExportHeader = z.object({
  format: z.literal(exportFormat.format),
  version: z.literal(exportFormat.version),
});

const id = z.number().int().positive();
const text = z.string();
const maybe = z.string().nullable();

const AuthorRecord = z.object({
  id,
  slug: text,
  name: text,
  name_key: text,
  bio: maybe,
  created_at: text,
  updated_at: text,
});

const TagRecord = z.object({
  id,
  slug: text,
  name: text,
  description: maybe,
  created_at: text,
  updated_at: text,
  /** Other slugs that answer for the tag (merged tags, an old name). */
  aliases: z.array(text),
});

/** An ingest's provenance with its payload, base64: the bytes as received. */
const IngestRecordLine = z.object({
  id,
  received_at: text,
  content_type: text,
  source_url: maybe,
  raw_sha256: text,
  raw: z.base64(),
  overrides: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(ingestStatuses),
  article_id: id.nullable(),
  duplicate_of: id.nullable(),
  warnings: z.array(text),
  report: z.record(z.string(), z.unknown()),
  parser_version: text,
  idempotency_key: maybe,
  idempotency_caller: maybe,
});

const ArticleRecord = z.object({
  id,
  slug: text,
  title: text,
  subtitle: maybe,
  excerpt: text,
  body_text: text,
  body_html: text,
  images: z.array(Image),
  language: maybe,
  word_count: z.number().int(),
  reading_time_minutes: z.number().int(),
  published_at: maybe,
  source_url: maybe,
  content_hash: text,
  author_names: text,
  tag_names: text,
  simhash: text,
  edited_at: maybe,
  created_at: text,
  updated_at: text,
});

export const ExportLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('article'),
    article: ArticleRecord,
    /** In byline order. */
    authors: z.array(AuthorRecord.extend({ position: z.number().int() })),
    tags: z.array(TagRecord.extend({ position: z.number().int(), derived: z.boolean() })),
    /** Slugs the article had before a title edit; they still serve it. */
    old_slugs: z.array(text),
    ingests: z.array(IngestRecordLine),
  }),
  /** Authors and tags no article names. */
  z.object({ type: z.literal('author'), author: AuthorRecord }),
  z.object({ type: z.literal('tag'), tag: TagRecord }),
  /** Ingests of no live article: duplicates, rejections, those of deleted articles. */
  z.object({ type: z.literal('ingest'), ingest: IngestRecordLine }),
  /** A deleted article's tombstone: its id, its slug and the slugs it had before answer 410 Gone. */
  z.object({
    type: z.literal('deleted'),
    deleted: z.object({ article_id: id, slug: text, deleted_at: text, old_slugs: z.array(text).default([]) }),
  }),
]);
export type ExportLine = z.infer<typeof ExportLine>;

/** The kinds of line, in the order an export writes them and an import can apply them. */
export const exportSections = ['author', 'tag', 'article', 'ingest', 'deleted'] as const;
export type ExportSection = (typeof exportSections)[number];

/** The key an export batch continues after: the record's id. */
export function lineKey(line: ExportLine): number {
  switch (line.type) {
    case 'article':
      return line.article.id;
    case 'author':
      return line.author.id;
    case 'tag':
      return line.tag.id;
    case 'ingest':
      return line.ingest.id;
    case 'deleted':
      return line.deleted.article_id;
  }
}

/** Reads the first line of an export, or says what it is instead. */
export function parseExportHeader(line: string | undefined): z.infer<typeof ExportHeader> {
  const parsed = ExportHeader.safeParse(safeJson(line ?? ''));
  if (!parsed.success)
    throw new BadRequest(`not a Gazette export: the first line must be ${JSON.stringify(exportFormat)}`);
  return parsed.data;
}

/** One line of an export, validated; the error names the line number and what is wrong. */
export function parseExportLine(line: string, lineNumber: number): ExportLine {
  const parsed = ExportLine.safeParse(safeJson(line));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(`line ${lineNumber}: ${issue.path.join('.') || 'record'}: ${issue.message}`);
  }
  return parsed.data;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
