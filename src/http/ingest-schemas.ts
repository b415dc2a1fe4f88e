import { z } from 'zod';
import { ingestStatuses } from '../db/schema.js';
import { Article } from './schemas.js';

const warnings = z.array(z.string()).describe('Things a human may want to check, e.g. "no author found".');
// An object with string values (not z.record, whose propertyNames keyword the serializer cannot compile).
const fields = z
  .object({})
  .catchall(z.string())
  .describe('For each extracted field, the rule that produced it (`request` when the client gave it).');

export const IngestReport = z
  .object({
    id: z.number().int(),
    status: z.enum(ingestStatuses),
    warnings,
    fields,
    duplicate_of: z
      .number()
      .int()
      .nullable()
      .describe('The article this one duplicates or nearly duplicates.'),
    parser_version: z.string(),
  })
  .meta({ id: 'IngestReport' });

export const IngestResult = z
  .object({ article: Article, ingest: IngestReport })
  .meta({ id: 'IngestResult', description: 'The stored article and what the ingest did.' });

const draftPerson = z.object({ slug: z.string(), name: z.string(), bio: z.string().nullable() });
const draftTag = z.object({ slug: z.string(), name: z.string(), derived: z.boolean() });

export const IngestPreview = z
  .object({
    article: Article.omit({ id: true, created_at: true, updated_at: true, authors: true, tags: true }).extend(
      {
        authors: z.array(draftPerson),
        tags: z.array(draftTag),
      },
    ),
    ingest: z.object({
      status: z.literal('dry_run'),
      warnings,
      fields,
      removed: z
        .array(z.object({ kind: z.string(), text: z.string() }))
        .describe('Boilerplate dropped from the body.'),
      references: z.array(z.string()).describe('Editorial references such as "[See … report]".'),
      parser_version: z.string(),
    }),
  })
  .meta({
    id: 'IngestPreview',
    description: 'What ingest would store, from `?dry_run=true`; nothing is stored.',
  });

export const StoredIngest = z
  .object({
    id: z.number().int(),
    received_at: z.iso.datetime(),
    content_type: z.string(),
    source_url: z.string().nullable(),
    raw_sha256: z.string(),
    status: z.enum(ingestStatuses),
    article_id: z.number().int().nullable(),
    duplicate_of: z.number().int().nullable(),
    warnings,
    fields,
    removed: z.array(z.object({ kind: z.string(), text: z.string() })),
    references: z.array(z.string()),
    parser_version: z.string(),
  })
  .meta({ id: 'Ingest', description: 'Provenance of one ingest; the raw payload is kept for re-parsing.' });

export const BatchLineResult = z
  .object({
    line: z.number().int().describe('1-based line number in the NDJSON body.'),
    status: z.enum(ingestStatuses),
    article_id: z.number().int().nullable(),
    ingest_id: z.number().int().nullable(),
    warnings: z.array(z.string()),
    problem: z
      .object({ status: z.number().int(), title: z.string(), detail: z.string() })
      .nullable()
      .describe('Why the line was rejected.'),
  })
  .meta({ id: 'BatchLineResult' });
