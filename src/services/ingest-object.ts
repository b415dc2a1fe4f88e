import { z } from 'zod';
import type { IngestRequest } from './draft.js';

const author = z.union([
  z.string().trim().min(1).max(200),
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    bio: z.string().trim().max(2000).nullable().optional(),
  }),
]);

/**
 * One raw article as JSON: the body of POST /v1/ingest with application/json, one line of an NDJSON
 * batch, and a `.json` file given to `gazette ingest`. Fields other than `raw` override the parser.
 */
export const IngestObject = z
  .strictObject({
    raw: z.string().describe('The article as scraped: plain text or HTML.'),
    // The default is described, not declared: generators turn a declared default into a required field.
    content_type: z
      .enum(['text/plain', 'text/html'])
      .default('text/plain')
      .meta({ default: undefined, description: 'How to read `raw`; `text/plain` when left out.' }),
    source_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .optional(),
    published_at: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .describe('ISO 8601 with an offset; stored in UTC.'),
    tags: z
      .array(z.string().trim().min(1).max(100))
      .max(50)
      .optional()
      .describe('Tag names; replace the parsed ones.'),
    authors: z
      .array(author)
      .max(20)
      .optional()
      .describe('Names, or {name, bio}; replace the parsed authors.'),
  })
  .meta({
    id: 'IngestObject',
    examples: [
      {
        raw: 'Port Alder buys a second electric tug\n\nThe port authority at Port Alder has bought a second battery-electric tug, which will start work on the north quay in the autumn.\n\nThe first electric tug has handled most night arrivals since March, and crews say it is quieter and easier to manoeuvre.',
        content_type: 'text/plain',
        source_url: 'https://news.example.com/2026/04/20/second-electric-tug',
        tags: ['Port Alder', 'transport'],
        authors: [{ name: 'Ines Brackley', bio: 'Ines Brackley covers transport and trade.' }],
      },
    ],
  });

export type IngestObject = z.output<typeof IngestObject>;

export function overridesOf(object: IngestObject) {
  const { raw: _raw, content_type: _contentType, ...overrides } = object;
  return overrides;
}

/** A validated ingest object as a request to the ingest service. */
export function ingestRequestOf(object: IngestObject, idempotencyKey?: string): IngestRequest {
  return {
    raw: object.raw,
    contentType: object.content_type,
    overrides: overridesOf(object),
    idempotencyKey,
  };
}
