import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { BadRequest, Unprocessable } from '../lib/errors.js';
import type { Caller } from '../services/api-keys.js';
import type { IngestRequest } from '../services/draft.js';
import type { Services } from '../services/index.js';
import { ingestItems, ingestLines, type LineOutcome } from '../services/ingest-batch.js';
import { IngestObject, ingestRequestOf } from '../services/ingest-object.js';
import { bearerSecurity, callerOf, requireScope } from './auth.js';
import {
  type BatchLineResult,
  BatchObject,
  BatchResults,
  IngestPreview,
  IngestResult,
  StoredIngest,
} from './ingest-schemas.js';
import { acceptsDocumentedMediaTypes } from './media-types.js';
import { booleanParam, jsonResponse, problemResponses } from './params.js';
import { describeProblem } from './problems.js';
import { type RoutesApp, routePlugin } from './route-plugin.js';

const rawText = (description: string, example: string) =>
  z.unknown().meta({ type: 'string', description, examples: [example] });

const plainExample = [
  'Harbour pilots agree a new night rota at Port Alder',
  'By Ines Brackley',
  'Pilots who guide ships into Port Alder agreed on Monday to a new night rota that adds a second crew on weekends.',
  'The port authority said the change would cut waiting times for larger ships arriving after dark.',
  'Tags: Port Alder, transport',
].join('\n\n');
const htmlExample =
  '<html><head><title>Library opens a reading garden</title></head><body><article>' +
  '<h1>Easterleigh library opens a reading garden</h1><p>By Mara Velden</p>' +
  '<p>The library in Easterleigh opened a reading garden on Saturday, with benches, shade and a small shelf of books for children.</p>' +
  '<p>Volunteers planted the garden over the winter on land behind the building that had been used for parking.</p>' +
  '</article></body></html>';
const ndjsonExample = `${JSON.stringify({
  raw: 'Night ferry adds a winter crossing\n\nThe island ferry will add a late crossing on Fridays from November.\n\nThe company said demand had grown since the summer.',
  source_url: 'https://news.example.com/2026/04/21/night-ferry',
})}\n`;

/** Newline-delimited JSON: a string whose every line is one `item` (OpenAPI 3.2 calls it itemSchema). */
const ndjson = (description: string, itemComponent: string) =>
  z.unknown().meta({
    type: 'string',
    description,
    'x-itemSchema': { $ref: `#/components/schemas/${itemComponent}` },
  });

const ingestQuery = z.strictObject({
  dry_run: booleanParam('Parse and report without storing anything.'),
  source_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .meta({
      description: 'Where a text/plain or text/html body was scraped from (JSON bodies carry `source_url`).',
      examples: ['https://news.example.com/2026/03/14/ferries'],
    }),
});

/** `exampleKey` differs per operation: one key sent with a different request is a 409. */
const ingestHeaders = (exampleKey: string) =>
  z.object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(255)
      .optional()
      .meta({
        description: 'Retrying with the same key returns the first result instead of ingesting again.',
        examples: [exampleKey],
      }),
  });

function describeJsonError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line of a batch's results: what was stored, or the problem that refused the line. */
function lineResult(request: FastifyRequest, outcome: LineOutcome): z.output<typeof BatchLineResult> {
  const { line } = outcome;
  if ('status' in outcome) {
    const { status, articleId, ingestId, warnings } = outcome;
    return { line, status, article_id: articleId, ingest_id: ingestId, warnings, problem: null };
  }
  const { status, title, detail } = describeProblem(outcome.error, request, request.log.child({ line }));
  const problem = { status, title, detail };
  return { line, status: 'rejected', article_id: null, ingest_id: null, warnings: [], problem };
}

/** Ingest bodies: raw text and HTML as bytes, JSON parsed with problems that say why, NDJSON as a stream. */
function acceptIngestBodies(app: RoutesApp) {
  // Raw bytes, not strings: the parser decodes them itself (declared charset, Windows-1252 fallback).
  app.addContentTypeParser(['text/plain', 'text/html'], { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '')
      return done(new Unprocessable('The body is empty; send an ingest object with `raw`.'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new BadRequest(`The body is not valid JSON: ${describeJsonError(error)}.`), undefined);
    }
  });
  // Batches are read as a stream, line by line; the body limit applies to each line instead.
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => {
    done(null, payload);
  });
}

/** The options of one single-article ingest operation, which differ only in their media types. */
function ingestOperation(
  ingestScope: onRequestAsyncHookHandler,
  operationId: string,
  summary: string,
  description: string,
  content: Record<string, { schema: z.ZodType }>,
) {
  return {
    onRequest: [ingestScope, acceptsDocumentedMediaTypes],
    schema: {
      operationId,
      summary,
      description: `${description} The same source URL or content again returns the existing article with status \`duplicate\`.`,
      tags: ['Ingest'],
      security: bearerSecurity,
      querystring: ingestQuery,
      headers: ingestHeaders(`scrape-2026-04-20-${operationId}`),
      body: { content },
      response: ingestResponses,
    },
  };
}

const plainBody = {
  'text/plain': { schema: rawText('The article as plain text, title first.', plainExample) },
};
const htmlBody = { 'text/html': { schema: rawText('The article page as HTML.', htmlExample) } };
const ingestResponses = {
  201: jsonResponse('A new article was stored.', IngestResult),
  200: jsonResponse(
    'A duplicate (the existing article and status `duplicate`), or with `dry_run` what would be stored.',
    z.union([IngestResult, IngestPreview]),
  ),
  ...problemResponses(400, 401, 403, 409, 413, 415, 422),
};

/** One article: raw bytes with `source_url` in the query, or a JSON ingest object. */
async function ingestOne(
  services: Services,
  caller: Caller,
  request: {
    query: z.output<typeof ingestQuery>;
    headers: { 'idempotency-key'?: string; 'content-type'?: string };
    body: unknown;
  },
  reply: FastifyReply,
) {
  const { query, headers, body } = request;
  const idempotencyKey = headers['idempotency-key'];
  let ingestRequest: IngestRequest;
  if (Buffer.isBuffer(body)) {
    const contentType = headers['content-type'] ?? 'text/plain';
    ingestRequest = { raw: body, contentType, overrides: { source_url: query.source_url }, idempotencyKey };
  } else {
    if (query.source_url) {
      throw new BadRequest('Put source_url inside the JSON body, not in the query.', [
        { path: 'query.source_url', message: 'not allowed with a JSON body' },
      ]);
    }
    ingestRequest = ingestRequestOf(body as IngestObject, idempotencyKey);
  }

  // An Idempotency-Key is the caller's own: another API key's key of the same name is another key.
  ingestRequest.idempotencyCaller = caller.id;
  if (query.dry_run) return reply.code(200).send(await services.ingest.preview(ingestRequest));
  const result = await services.ingest.ingestArticle(ingestRequest);
  return reply.code(result.ingest.status === 'created' ? 201 : 200).send(result);
}

/** One article a request, as JSON, plain text or HTML. */
function singleIngestRoutes(app: RoutesApp, ingestScope: onRequestAsyncHookHandler) {
  app.post(
    '/v1/ingest',
    ingestOperation(
      ingestScope,
      'ingestArticle',
      'Ingest one raw article',
      'Send the article as scraped: text/plain, text/html, or an application/json ingest object. ' +
        'Generated clients that send one media type per operation can use /v1/ingest/text and /v1/ingest/html for raw bodies.',
      { 'application/json': { schema: IngestObject }, ...plainBody, ...htmlBody },
    ),
    async (request, reply) => ingestOne(app.services, await callerOf(app.services, request), request, reply),
  );
  app.post(
    '/v1/ingest/text',
    ingestOperation(
      ingestScope,
      'ingestText',
      'Ingest one article as plain text',
      'The article exactly as copied off the page, title first; `source_url` goes in the query.',
      plainBody,
    ),
    async (request, reply) => ingestOne(app.services, await callerOf(app.services, request), request, reply),
  );
  app.post(
    '/v1/ingest/html',
    ingestOperation(
      ingestScope,
      'ingestHtml',
      'Ingest one article page as HTML',
      'The page as fetched; its charset, metadata and JSON-LD are read. `source_url` goes in the query.',
      htmlBody,
    ),
    async (request, reply) => ingestOne(app.services, await callerOf(app.services, request), request, reply),
  );
}

/** Many articles: a JSON body answered at once, or NDJSON answered line by line as it is stored. */
function batchIngestRoutes(app: RoutesApp, ingestScope: onRequestAsyncHookHandler) {
  app.post(
    '/v1/ingest/batch.json',
    {
      onRequest: [ingestScope, acceptsDocumentedMediaTypes],
      schema: {
        operationId: 'ingestBatchJson',
        summary: 'Ingest many raw articles from one JSON body',
        description:
          '`{"items": [...]}` answered by `{"results": [...]}`, one result per item, in order; an invalid ' +
          'item is a 400 for the whole request. For clients that cannot send NDJSON; /v1/ingest/batch ' +
          'streams any number of articles instead.',
        tags: ['Ingest'],
        security: bearerSecurity,
        querystring: z.strictObject({}),
        body: { content: { 'application/json': { schema: BatchObject } } },
        response: {
          200: jsonResponse('One BatchLineResult per item, in order.', BatchResults),
          // The JSON body parser of every ingest route refuses an empty body as nothing to ingest.
          ...problemResponses(400, 401, 403, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const { items } = request.body as z.output<typeof BatchObject>;
      const outcomes = await ingestItems(app.services.ingest, items);
      return reply.send({ results: outcomes.map((outcome) => lineResult(request, outcome)) });
    },
  );

  app.post(
    '/v1/ingest/batch',
    {
      onRequest: [ingestScope, acceptsDocumentedMediaTypes],
      schema: {
        operationId: 'ingestBatch',
        summary: 'Ingest many raw articles from NDJSON',
        description:
          'One ingest object per line, read as a stream. The response is NDJSON too: one result per ' +
          'input line, in order, written as each line is done. A bad line is reported and the rest go ' +
          'on. /v1/ingest/batch.json takes the same as one JSON body.',
        tags: ['Ingest'],
        security: bearerSecurity,
        querystring: z.strictObject({}),
        body: {
          content: {
            'application/x-ndjson': {
              schema: ndjson('Newline-delimited JSON: one IngestObject per line.', 'IngestObjectInput').meta({
                examples: [ndjsonExample],
              }),
            },
          },
        },
        response: {
          200: {
            description: 'One BatchLineResult per input line, in order, streamed.',
            content: {
              'application/x-ndjson': {
                schema: ndjson('Newline-delimited JSON: one BatchLineResult per line.', 'BatchLineResult'),
              },
            },
          },
          ...problemResponses(400, 401, 403, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as AsyncIterable<Uint8Array>;
      const groups = ingestLines(app.services.ingest, body, app.initialConfig.bodyLimit!);
      async function* ndjsonResults() {
        for await (const group of groups)
          yield group.map((outcome) => `${JSON.stringify(lineResult(request, outcome))}\n`).join('');
      }
      // Results stream out as groups finish; the schema documents each line, it does not serialize a stream.
      return reply.type('application/x-ndjson').send(Readable.from(ndjsonResults()) as never);
    },
  );
}

export const ingestRoutes = routePlugin('gazette-ingest-routes', async (app) => {
  acceptIngestBodies(app);
  const ingestScope = requireScope(app.services, 'ingest');
  singleIngestRoutes(app, ingestScope);
  batchIngestRoutes(app, ingestScope);

  app.get(
    '/v1/ingests/:id',
    {
      onRequest: ingestScope,
      schema: {
        operationId: 'getIngest',
        summary: 'Get the provenance of one ingest',
        description: 'What arrived, which rule produced each field, and what was dropped as boilerplate.',
        tags: ['Ingest'],
        security: bearerSecurity,
        params: z.strictObject({
          id: z.coerce
            .number()
            .int()
            .positive()
            .meta({ description: 'The ingest id.', examples: [1] }),
        }),
        querystring: z.strictObject({}),
        response: { 200: StoredIngest, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => app.services.ingest.getIngest(request.params.id),
  );
});
