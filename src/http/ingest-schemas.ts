import { z } from 'zod';
import { ingestStatuses } from '../domain/ingest.js';
import { IngestObject } from '../services/ingest-object.js';
import { Article, articleExample } from './schemas.js';

const reportExample = {
  id: 41,
  status: 'created',
  warnings: ['no publication date found'],
  fields: { title: 'plain:first-block', authors: 'plain:closing-bio', tags: 'plain:tags-line' },
  duplicate_of: null,
  parser_version: '1.0.0',
};
/** Ingest results carry both bodies, so a client sees what the parser made of the text. */
const ingestedExample = {
  ...articleExample,
  body_text: 'The council approved the purchase…\n\nThe first ferry enters service in 2027.',
};
const { id: _id, created_at: _created, updated_at: _updated, ...draftExample } = ingestedExample;

const warnings = z.array(z.string()).describe('Things a human may want to check, e.g. "no author found".');
// An object with string values (not z.record, whose propertyNames keyword the serializer cannot compile).
const fields = z
  .object({})
  .catchall(z.string())
  .describe('For each extracted field, the rule that produced it (`request` when the client gave it).');

const IngestReport = z
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
  .meta({ id: 'IngestReport', examples: [reportExample] });

export const IngestResult = z.object({ article: Article, ingest: IngestReport }).meta({
  id: 'IngestResult',
  description: 'The stored article and what the ingest did.',
  examples: [{ article: ingestedExample, ingest: reportExample }],
});

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
    examples: [
      {
        article: {
          ...draftExample,
          authors: [{ slug: 'ines-brackley', name: 'Ines Brackley', bio: 'Ines Brackley covers transport.' }],
          tags: [{ slug: 'transport', name: 'transport', derived: false }],
        },
        ingest: {
          status: 'dry_run',
          warnings: [],
          fields: reportExample.fields,
          removed: [{ kind: 'appeal', text: 'Support our reporting with a donation today.' }],
          references: ['See our earlier report, Council weighs ferry options.'],
          parser_version: '1.0.0',
        },
      },
    ],
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
  .meta({
    id: 'Ingest',
    description: 'Provenance of one ingest; the raw payload is kept for re-parsing.',
    examples: [
      {
        ...reportExample,
        received_at: '2026-03-14T10:02:11.512Z',
        content_type: 'text/plain; charset=utf-8',
        source_url: 'https://news.example.com/2026/03/14/ferries',
        raw_sha256: 'cd'.repeat(32),
        article_id: 12,
        removed: [{ kind: 'appeal', text: 'Support our reporting with a donation today.' }],
        references: [],
      },
    ],
  });

export const BatchLineResult = z
  .object({
    line: z.number().int().describe('1-based line number in the NDJSON body, or position in `items`.'),
    status: z.enum(ingestStatuses),
    article_id: z.number().int().nullable(),
    ingest_id: z.number().int().nullable(),
    warnings: z.array(z.string()),
    problem: z
      .object({ status: z.number().int(), title: z.string(), detail: z.string() })
      .nullable()
      .describe('Why the line was rejected.'),
  })
  .meta({
    id: 'BatchLineResult',
    examples: [
      { line: 1, status: 'created', article_id: 12, ingest_id: 41, warnings: [], problem: null },
      {
        line: 2,
        status: 'rejected',
        article_id: null,
        ingest_id: null,
        warnings: [],
        problem: {
          status: 400,
          title: 'Bad Request',
          detail: 'Not valid JSON: Unexpected end of JSON input.',
        },
      },
    ],
  });

export const BatchObject = z
  .strictObject({
    items: z.array(IngestObject).min(1).max(1000).describe('Up to 1000 ingest objects, stored in order.'),
  })
  .meta({
    id: 'IngestBatch',
    description: 'Many articles in one JSON body; NDJSON streams instead, with no count limit.',
    examples: [
      {
        items: [
          {
            raw: 'Harbour pilots agree new night rota\n\nPilots at Port Alder agreed a new rota on Monday.\n\nThe change starts in May.',
            source_url: 'https://news.example.com/2026/04/20/pilots-rota',
            tags: ['Port Alder'],
          },
        ],
      },
    ],
  });

export const BatchResults = z
  .object({ results: z.array(BatchLineResult).describe('One per item, in the order sent.') })
  .meta({
    id: 'IngestBatchResults',
    examples: [
      {
        results: [{ line: 1, status: 'created', article_id: 9, ingest_id: 9, warnings: [], problem: null }],
      },
    ],
  });
