import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequest, ContentTooLarge, DomainError, Unprocessable } from '../lib/errors.js';
import { inGroups } from '../lib/groups.js';
import { type Line, readLines } from '../lib/lines.js';
import type { IngestRequest } from '../services/draft.js';
import type { Services } from '../services/index.js';
import type { BatchOutcome } from '../services/ingest.js';
import { IngestObject, overridesOf } from '../services/ingest-object.js';
import { bearerSecurity, requireScope } from './auth.js';
import { BatchLineResult, IngestPreview, IngestResult, StoredIngest } from './ingest-schemas.js';
import { requireMediaType } from './media-types.js';
import { problemResponses } from './params.js';

const rawText = (description: string) => z.unknown().meta({ type: 'string', description });

const ingestQuery = z.strictObject({
  dry_run: z
    .enum(['true', 'false'])
    .meta({ examples: ['true'] })
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: 'Parse and report without storing anything.', examples: ['true'] }),
  source_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .meta({
      description: 'Where a text/plain or text/html body was scraped from (JSON bodies carry `source_url`).',
      examples: ['https://news.example.com/2026/03/14/ferries'],
    }),
});

const ingestHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description: 'Retrying with the same key returns the first result instead of ingesting again.',
      examples: ['scrape-2026-03-14-0042'],
    }),
});

function describeJsonError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a validated JSON ingest object into a service request. */
function fromObject(object: IngestObject, idempotencyKey?: string): IngestRequest {
  return {
    raw: object.raw,
    contentType: object.content_type,
    overrides: overridesOf(object),
    idempotencyKey,
  };
}

export const ingestRoutes: FastifyPluginAsyncZod<{ services: Services; bodyLimitBytes: number }> = async (
  app,
  { services, bodyLimitBytes },
) => {
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

  const ingestScope = requireScope(services, 'ingest');
  const singleTypes = requireMediaType('application/json', 'text/plain', 'text/html');
  const batchTypes = requireMediaType('application/x-ndjson');

  app.post(
    '/v1/ingest',
    {
      onRequest: [ingestScope, singleTypes],
      schema: {
        operationId: 'ingestArticle',
        summary: 'Ingest one raw article',
        description:
          'Send the article as scraped: text/plain, text/html, or an application/json ingest object. ' +
          'The same source URL or content again returns the existing article with status `duplicate`.',
        tags: ['Ingest'],
        security: bearerSecurity,
        querystring: ingestQuery,
        headers: ingestHeaders,
        body: {
          content: {
            'application/json': { schema: IngestObject },
            'text/plain': { schema: rawText('The article as plain text, title first.') },
            'text/html': { schema: rawText('The article page as HTML.') },
          },
        },
        response: {
          201: IngestResult.describe('A new article was stored.'),
          200: z
            .union([IngestResult, IngestPreview])
            .describe('A duplicate (the existing article), or a dry run.'),
          ...problemResponses(400, 401, 403, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      const body = request.body as unknown;
      let ingestRequest: IngestRequest;
      if (Buffer.isBuffer(body)) {
        const contentType = request.headers['content-type'] ?? 'text/plain';
        ingestRequest = {
          raw: body,
          contentType,
          overrides: { source_url: request.query.source_url },
          idempotencyKey,
        };
      } else {
        if (request.query.source_url) {
          throw new BadRequest('Put source_url inside the JSON body, not in the query.', [
            { path: 'query.source_url', message: 'not allowed with a JSON body' },
          ]);
        }
        ingestRequest = fromObject(body as IngestObject, idempotencyKey);
      }

      if (request.query.dry_run) return reply.code(200).send(await services.ingest.preview(ingestRequest));
      const result = await services.ingest.ingestArticle(ingestRequest);
      return reply.code(result.ingest.status === 'created' ? 201 : 200).send(result);
    },
  );

  app.post(
    '/v1/ingest/batch',
    {
      onRequest: [ingestScope, batchTypes],
      schema: {
        operationId: 'ingestBatch',
        summary: 'Ingest many raw articles from NDJSON',
        description:
          'One ingest object per line, read as a stream. The response is NDJSON too: one result per ' +
          'input line, in order, written as each line is done. A bad line is reported and the rest go on.',
        tags: ['Ingest'],
        security: bearerSecurity,
        querystring: z.strictObject({}),
        body: { content: { 'application/x-ndjson': { schema: rawText('One ingest object per line.') } } },
        response: {
          200: {
            description: 'One BatchLineResult per input line.',
            content: { 'application/x-ndjson': { schema: BatchLineResult } },
          },
          ...problemResponses(400, 401, 403, 415),
        },
      },
    },
    async (request, reply) => {
      const lines = readLines(request.body as AsyncIterable<Uint8Array>, bodyLimitBytes);
      // Lines that arrive together are stored together, in one transaction per group.
      const groups = inGroups(lines, 100, 10);
      let lineNumber = 0;
      async function* results() {
        for await (const group of groups) {
          const entries = group.map((line) => ({ number: ++lineNumber, ...readLine(line) }));
          const accepted = entries.filter((entry) => entry.request !== undefined);
          const outcomes = await services.ingest.ingestMany(accepted.map((entry) => entry.request!));
          accepted.forEach((entry, index) => {
            entry.outcome = outcomes[index];
          });
          let output = '';
          for (const entry of entries) {
            if (entry.skip) continue;
            output += `${JSON.stringify(lineResult(entry.number, entry.outcome ?? { error: entry.problem }))}\n`;
          }
          if (output) yield output;
        }
      }
      /** Validates one line; blank lines are skipped (and still counted). */
      function readLine(line: Line): {
        request?: IngestRequest;
        problem?: DomainError;
        skip?: boolean;
        outcome?: BatchOutcome;
      } {
        if (!('text' in line))
          return { problem: new ContentTooLarge(`The line is longer than ${bodyLimitBytes} bytes.`) };
        if (line.text.trim() === '') return { skip: true };
        let value: unknown;
        try {
          value = JSON.parse(line.text);
        } catch (error) {
          return { problem: new BadRequest(`Not valid JSON: ${describeJsonError(error)}.`) };
        }
        const parsed = IngestObject.safeParse(value);
        if (!parsed.success) {
          const issues = parsed.error.issues.map(
            (issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`,
          );
          return { problem: new BadRequest(`Invalid ingest object: ${issues.join('; ')}.`) };
        }
        return { request: fromObject(parsed.data) };
      }
      function lineResult(line: number, outcome: BatchOutcome) {
        if ('status' in outcome) {
          const { status, articleId, ingestId, warnings } = outcome;
          return { line, status, article_id: articleId, ingest_id: ingestId, warnings, problem: null };
        }
        const error = outcome.error;
        if (!(error instanceof DomainError)) request.log.error({ err: error, line }, 'batch line failed');
        const problem =
          error instanceof DomainError
            ? { status: error.status, title: error.title, detail: error.message }
            : {
                status: 500,
                title: 'Internal Server Error',
                detail: 'This line could not be stored; the request id is in the logs.',
              };
        return {
          line,
          status: 'rejected' as const,
          article_id: null,
          ingest_id: null,
          warnings: [],
          problem,
        };
      }
      // Results stream out as groups finish; the schema documents each line, it does not serialize a stream.
      return reply.type('application/x-ndjson').send(Readable.from(results()) as never);
    },
  );

  app.get(
    '/v1/ingests/:id',
    {
      onRequest: ingestScope,
      schema: {
        operationId: 'getIngest',
        summary: 'Get the provenance of one ingest',
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
    async (request) => services.ingest.getIngest(request.params.id),
  );
};
