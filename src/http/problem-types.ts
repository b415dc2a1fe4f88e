import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFound, statusTitles } from '../lib/errors.js';
import { absoluteUrl } from './links.js';
import { problemResponses } from './params.js';
import { routePlugin } from './route-plugin.js';

/** What each problem means and what to do about it; a status without an entry gets a generic page. */
const explanations: Record<number, { meaning: string; remedy: string }> = {
  400: {
    meaning:
      'A parameter, header or body is invalid, or a query parameter is unknown. The `errors` member ' +
      'names each one by its place (`query.limit`, `body.raw`) with what is wrong with it.',
    remedy: 'Fix the inputs `errors` names; /openapi.json lists every parameter and its limits.',
  },
  401: {
    meaning:
      'The operation needs an API key and none was sent, or the key sent is unknown or revoked. ' +
      'The `WWW-Authenticate` header says which: `error="invalid_token"` when a key was sent.',
    remedy: 'Send `Authorization: Bearer <key>`. Keys are created with `gazette keys create` and shown once.',
  },
  403: {
    meaning: 'The API key is valid but lacks the scope the operation needs (`ingest`, `write` or `admin`).',
    remedy: 'Use a key created with that scope, or an `admin` key.',
  },
  404: {
    meaning: 'Nothing exists at this path: no resource with this id or slug, or no such route.',
    remedy: 'Check the id or slug; lists (`/v1/articles`, `/v1/authors`, `/v1/tags`) show what exists.',
  },
  405: {
    meaning: 'The path exists but not with this method.',
    remedy: 'Use one of the methods the `Allow` header lists.',
  },
  409: {
    meaning:
      'The request conflicts with what is stored, for example an `Idempotency-Key` already used with ' +
      'a different payload.',
    remedy: 'Use a new `Idempotency-Key` for a new payload, or resend the original payload.',
  },
  410: {
    meaning:
      'The resource existed and was deleted. Gazette keeps a record of the deletion, so its id (and its ' +
      'slug, until another article takes it) answers 410 rather than 404.',
    remedy: 'Drop your copy and any links to it; lists and search no longer show it.',
  },
  412: {
    meaning:
      'The `If-Match` header names a version of the resource that is no longer the current one: it ' +
      "changed since you read it. The problem's `etag` member and the `ETag` header give the current version.",
    remedy: 'Read the resource again, check that the change still makes sense, and retry with its `ETag`.',
  },
  413: {
    meaning:
      'The body is larger than the server accepts (`BODY_LIMIT_BYTES`, 5 MB by default); in an NDJSON ' +
      'batch, one line is.',
    remedy: 'Send smaller bodies, or split the articles over several requests or batch lines.',
  },
  414: {
    meaning: 'A path segment (an id or slug) is longer than any Gazette serves (200 characters).',
    remedy: 'Check the URL; slugs are short.',
  },
  415: {
    meaning: 'The `Content-Type` of the body is not one this operation takes.',
    remedy: 'Send one of the media types /openapi.json lists for the operation.',
  },
  422: {
    meaning:
      'The body was read but is not an article Gazette can store: empty, binary, or with no body text.',
    remedy: 'Check what was sent; `?dry_run=true` shows what the parser makes of it without storing it.',
  },
  429: {
    meaning: 'This client made more requests in the last minute than the server allows.',
    remedy: 'Wait the number of seconds in `Retry-After`, then retry.',
  },
  500: {
    meaning: 'Gazette failed on its side; the request was not at fault.',
    remedy: 'Retry later; if it persists, report the `X-Request-Id` of the response.',
  },
};

/** `Not Found` → `not-found`: the problem's name in its type URI. */
function problemName(status: number): string {
  return (statusTitles[status] ?? `status ${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

const statusByName = new Map(Object.keys(statusTitles).map((status) => [problemName(+status), +status]));

/**
 * The problem `type` URI: an absolute URL of the page on this server that explains the problem, so
 * a client can both compare it and follow it (RFC 9457 §3.1.1).
 */
export function problemType(request: FastifyRequest, status: number): string {
  return absoluteUrl(request, `/problems/${problemName(status)}`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);

/** `code` spans in the explanations become <code>; everything else is escaped text. */
const inlineHtml = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Gazette</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>
</head><body>
${body}
<p><a href="/problems">All problems</a> · <a href="/docs">API documentation</a></p>
</body></html>
`;
}

function problemPage(status: number): string {
  const title = statusTitles[status] ?? `Status ${status}`;
  const explanation = explanations[status] ?? {
    meaning: `Gazette answered ${status} ${title}.`,
    remedy: 'The `detail` member of the problem says what went wrong with this request.',
  };
  return page(
    title,
    `<h1>${status} ${escapeHtml(title)}</h1>
<p>${inlineHtml(explanation.meaning)}</p>
<p><strong>What to do:</strong> ${inlineHtml(explanation.remedy)}</p>
<p>Every error is an RFC 9457 <code>application/problem+json</code> document whose <code>type</code> is this page, with <code>title</code>, <code>status</code>, a <code>detail</code> about this request and the <code>instance</code> path it happened on.</p>`,
  );
}

function indexPage(): string {
  const items = [...statusByName]
    .map(
      ([name, status]) =>
        `<li><a href="/problems/${name}">${status} ${escapeHtml(statusTitles[status]!)}</a></li>`,
    )
    .join('\n');
  return page('Problems', `<h1>Problems Gazette reports</h1>\n<ul>\n${items}\n</ul>`);
}

const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string().max(16384).describe('An HTML page.') } },
});

/** The pages problem `type` URIs point to: `/problems` and `/problems/{name}`, as HTML. */
export const problemPages = routePlugin('gazette-problem-pages', async (app) => {
  const index = indexPage();
  app.get(
    '/problems',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'listProblemTypes',
        summary: 'The problem types Gazette reports, as an HTML page',
        description: 'Links to one page per problem type; every problem `type` URI is one of them.',
        tags: ['Operations'],
        querystring: z.strictObject({}),
        response: { 200: htmlPage('The list of problem types.') },
      },
    },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=3600').send(index),
  );
  app.get(
    '/problems/:name',
    {
      logLevel: 'warn',
      schema: {
        operationId: 'getProblemType',
        summary: 'What one problem type means and what to do about it, as an HTML page',
        description: 'The page a problem `type` URI points to.',
        tags: ['Operations'],
        params: z.strictObject({
          name: z
            .string()
            .max(100)
            .meta({
              description: 'The problem type, e.g. `bad-request` or `too-many-requests`.',
              examples: ['bad-request'],
            }),
        }),
        querystring: z.strictObject({}),
        response: {
          200: htmlPage('The page of this problem type.'),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const status = statusByName.get(request.params.name);
      if (status === undefined)
        throw new NotFound(`No problem is called "${request.params.name}"; /problems lists them.`);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(problemPage(status));
    },
  );
});
