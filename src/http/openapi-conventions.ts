import { type CachePolicy, cachePolicyForRoute } from './caching.js';
import { problemContentType } from './problems.js';

/**
 * What the server adds to every response outside the routes — the request id, rate-limit headers,
 * conditional GET, 429 and 500 — documented here in one place, the way the plugins apply it.
 */

type Schema = Record<string, unknown>;
interface Header {
  description: string;
  schema: Schema;
  required?: boolean;
}
interface Response {
  description: string;
  headers?: Record<string, Header | { $ref: string }>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: Schema[];
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; headers?: Record<string, Header> };
  [key: string]: unknown;
}

/** A header whose value is a whole number from 0 to `maximum`. */
const countHeader = (description: string, maximum: number, required?: true): Header => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum },
  ...(required ? { required } : {}),
});

/** A header whose value is text of at most `maxLength` characters. */
const textHeader = (description: string, maxLength: number, required?: true): Header => ({
  description,
  schema: { type: 'string', maxLength },
  ...(required ? { required } : {}),
});

const headers: Record<string, Header> = {
  RequestId: textHeader(
    'The id of this request in the server logs. A client may send its own `X-Request-Id`, of up to ' +
      '200 visible ASCII characters other than `"` and `\\`; otherwise the server makes one.',
    200,
    true,
  ),
  RateLimitLimit: countHeader('Requests allowed a minute (only when rate limiting is on).', 2147483647),
  RateLimitRemaining: countHeader(
    'Requests left in the current minute (only when rate limiting is on).',
    2147483647,
  ),
  RateLimitReset: countHeader('Seconds until the current minute ends (only when rate limiting is on).', 60),
  RetryAfter: countHeader('Seconds to wait before trying again.', 60, true),
  ETag: textHeader(
    'A strong validator of this representation; send it in `If-None-Match` to get a 304.',
    100,
    true,
  ),
  CacheControl: textHeader(
    'Lists `public, max-age=60`, single resources `public, max-age=300`, the change feed `no-cache`, keyed resources `private, no-store`, problem pages `public, max-age=3600`.',
    100,
    true,
  ),
  LastModified: textHeader(
    'When the resource last changed (an HTTP-date), for resources that record it.',
    40,
  ),
  Link: textHeader('RFC 8288 `<…>; rel="next"` to the next page, when there is one.', 8192),
  ServiceLinks: textHeader(
    'RFC 8288 links to the OpenAPI document (`rel="service-desc"`), the interactive docs (`rel="service-doc"`) and the API catalog (`rel="api-catalog"`).',
    8192,
    true,
  ),
  WWWAuthenticate: textHeader(
    'RFC 6750 Bearer challenge: `error="invalid_token"` when a key was sent but refused, `error="insufficient_scope"` on a 403.',
    200,
    true,
  ),
};

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
const everyResponseHeaders = {
  'X-Request-Id': ref('RequestId'),
  'X-RateLimit-Limit': ref('RateLimitLimit'),
  'X-RateLimit-Remaining': ref('RateLimitRemaining'),
  'X-RateLimit-Reset': ref('RateLimitReset'),
};

/** Headers particular routes send, beyond the conventions every route of their kind follows. */
const operationHeaders: Record<string, Record<string, Record<string, { $ref: string }>>> = {
  getServiceIndex: { '200': { Link: ref('ServiceLinks') } },
  listProblemTypes: { '200': { 'Cache-Control': ref('CacheControl') } },
  getProblemType: { '200': { 'Cache-Control': ref('CacheControl') } },
  deleteArticle: { '412': { ETag: ref('ETag') } },
  listWebhookDeliveries: { '200': { Link: ref('Link') } },
  editArticle: { '200': { ETag: ref('ETag') }, '412': { ETag: ref('ETag') } },
  editAuthor: { '200': { ETag: ref('ETag') }, '412': { ETag: ref('ETag') } },
  editTag: { '200': { ETag: ref('ETag') }, '412': { ETag: ref('ETag') } },
  mergeTag: { '200': { ETag: ref('ETag') }, '412': { ETag: ref('ETag') } },
  listChanges: { '503': { 'Retry-After': ref('RetryAfter') } },
};

const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'The `ETag` of a copy you hold; a 304 with no body answers when it is still current.',
  schema: { type: 'string', maxLength: 1000 },
  example: '"q0Hn3Qm8sWcKx1vJbGk4dA"',
};

const problem = (description: string, extraHeaders: Response['headers'] = {}): Response => ({
  description,
  headers: { ...extraHeaders },
  content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** True when a response's JSON schema (or the component it names) has a `page` with a cursor. */
function isCursorPage(document: OpenApiDocument, response: Response | undefined): boolean {
  const schema = response?.content?.['application/json']?.schema;
  const refs = JSON.stringify(schema ?? {}).match(/#\/components\/schemas\/([\w]+)/g) ?? [];
  return refs.some((target) => {
    const component = document.components?.schemas?.[target.split('/').pop()!];
    return Boolean((component?.properties as Schema | undefined)?.page);
  });
}

function conventionsFor(document: OpenApiDocument, path: string, method: string, operation: Operation) {
  const secured = (operation.security?.length ?? 0) > 0;
  // Public by design, and said so: an explicit empty requirement rather than none at all.
  operation.security ??= [];
  const policy: CachePolicy = method === 'get' ? cachePolicyForRoute(path, secured) : 'none';
  const responses = operation.responses;

  const ok = responses['200'];
  if (ok && policy !== 'none') {
    ok.headers = { ...ok.headers, 'Cache-Control': ref('CacheControl') };
    if (policy !== 'private') ok.headers.ETag = ref('ETag');
    if (policy === 'item') ok.headers['Last-Modified'] = ref('LastModified');
    if (policy === 'list' && isCursorPage(document, ok)) ok.headers.Link = ref('Link');
  }
  if (policy === 'list' || policy === 'item') {
    responses['304'] = {
      description: 'Not Modified: the copy named in `If-None-Match` (or `If-Modified-Since`) is current.',
      headers: {
        ETag: ref('ETag'),
        'Cache-Control': ref('CacheControl'),
        ...(policy === 'item' ? { 'Last-Modified': ref('LastModified') } : {}),
        // The next page's link comes with the 304 as with the 200 it stands for.
        ...(ok?.headers?.Link ? { Link: ref('Link') } : {}),
      },
    };
    operation.parameters = [...(operation.parameters ?? []), ifNoneMatch];
  }
  // Every 401 and 403 carries the Bearer challenge (the problem handler adds it).
  for (const status of ['401', '403']) {
    const refused = responses[status];
    if (refused) refused.headers = { ...refused.headers, 'WWW-Authenticate': ref('WWWAuthenticate') };
  }
  for (const [status, extra] of Object.entries(operationHeaders[operation.operationId ?? ''] ?? {})) {
    const response = responses[status];
    if (response) response.headers = { ...response.headers, ...extra };
  }
  // The router refuses a path parameter longer than its maxParamLength before any route runs.
  if (path.includes('{')) responses['414'] ??= problem('The path is longer than any id or slug.');
  responses['429'] ??= problem('Too many requests from this key or address; wait `Retry-After` seconds.', {
    'Retry-After': ref('RetryAfter'),
  });
  responses['500'] ??= problem('Something failed on the server; the request id is in its logs.');
  for (const response of Object.values(responses)) {
    response.headers = { ...response.headers, ...everyResponseHeaders };
  }
}

const int32Max = 2147483647;

/** Every integer gets the format its bounds allow, so generators and validators know its size. */
function withIntegerFormats(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) withIntegerFormats(item);
  } else if (value && typeof value === 'object') {
    const schema = value as Schema;
    if (schema.type === 'integer' && schema.format === undefined) {
      const fits = typeof schema.maximum === 'number' && schema.maximum <= int32Max;
      schema.format = fits ? 'int32' : 'int64';
    }
    for (const child of Object.values(schema)) withIntegerFormats(child);
  }
}

/** Adds the cross-cutting responses and headers to every operation of the document. */
export function withServerConventions(document: OpenApiDocument): OpenApiDocument {
  withIntegerFormats(document.paths);
  withIntegerFormats(document.components?.schemas);
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      conventionsFor(document, path, method, operation);
    }
  }
  return {
    ...document,
    // Relative, so the document and /docs work on whatever host serves them.
    servers: [
      {
        url: '/',
        description: 'Whichever environment serves this document: local, staging or production',
        'x-internal': false,
      },
    ],
    components: { ...document.components, headers },
  };
}
