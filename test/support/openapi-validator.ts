import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/**
 * Checks a live response against the committed OpenAPI document: its status is documented for the
 * operation, its media type is one the operation lists, its body matches that media type's schema
 * (each line, for NDJSON), every required header is there and every API header it carries is
 * documented with a valid value.
 */

interface HeaderSpec {
  $ref?: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface ResponseSpec {
  headers?: Record<string, HeaderSpec>;
  content?: Record<string, { schema: Record<string, unknown> }>;
}
interface OperationSpec {
  operationId: string;
  responses: Record<string, ResponseSpec>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationSpec>>;
  components: { headers: Record<string, HeaderSpec> };
}

interface LiveResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  payload: string;
  rawPayload?: Buffer;
}

/** The body as the server meant it: a br or gzip Content-Encoding undone, so its schema can be checked. */
function decodedPayload(response: LiveResponse): string {
  const coding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (coding === '' || coding === 'identity') return response.payload;
  const bytes = response.rawPayload ?? Buffer.from(response.payload, 'binary');
  if (coding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (coding === 'gzip') return gunzipSync(bytes).toString('utf8');
  throw new Error(`content-encoding ${coding} is not one Gazette sends`);
}

const documentUrl = new URL('../../openapi/openapi.json', import.meta.url);
const root = 'https://gazette.invalid/openapi.json';

/** Headers Gazette itself sets; any of them on a response must be documented there. */
const apiHeaders = [
  'etag',
  'link',
  'cache-control',
  'last-modified',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-request-id',
  'www-authenticate',
];

/** Routes kept out of the document on purpose: the document itself and its interactive viewer. */
const undocumentedRoutes = [/^\/openapi\.json$/, /^\/docs(\/|$)/];

const pointer = (...segments: string[]) =>
  `#/${segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

// ajv-formats is CommonJS: under ESM its function is the default export's `default`.
const addFormats = formats.default;

function createResponseValidator(document: OpenApiDocument = readDocument()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: root });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (location: string) => {
    let validate = compiled.get(location);
    if (!validate) {
      validate = ajv.compile({ $ref: `${root}${location}` });
      compiled.set(location, validate);
    }
    return validate;
  };

  const routes = Object.keys(document.paths).map((path) => ({
    path,
    pattern: new RegExp(
      `^${path
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('')}$`,
    ),
  }));

  const headerValidators = new Map<string, ValidateFunction>();
  function headerValidator(schema: Record<string, unknown>) {
    const key = JSON.stringify(schema);
    let validate = headerValidators.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      headerValidators.set(key, validate);
    }
    return validate;
  }

  function check(location: string, value: unknown, what: string, problems: string[]) {
    const validate = validatorAt(location);
    if (!validate(value)) problems.push(`${what}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
  }

  function resolveHeader(spec: HeaderSpec): HeaderSpec {
    return spec.$ref ? document.components.headers[spec.$ref.split('/').pop()!]! : spec;
  }

  /** Every way `response` departs from the document, as readable lines; empty when it conforms. */
  function problemsWith(method: string, url: string, response: LiveResponse): string[] {
    // Links the server hands out are absolute; the route is the part after the origin.
    const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    // Dot segments (`.`, `%2e`) are resolved as the URL parser of clients and `inject` does.
    const path = safelyDecoded(new URL(`http://localhost${target.split('?')[0]! || '/'}`).pathname).replace(
      /(.)\/$/,
      '$1',
    );
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    if (verb === 'options' || undocumentedRoutes.some((pattern) => pattern.test(path))) return [];
    const status = String(response.statusCode);
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const problems: string[] = [];
    const payload = decodedPayload(response);
    const route = routes.find((candidate) => candidate.pattern.test(path));
    const operation = route ? document.paths[route.path]![verb] : undefined;

    if (!route || !operation) {
      // Outside every operation only the router answers: an unknown path, method or malformed URL.
      if (!['400', '404', '405', '414'].includes(status)) problems.push(`undocumented ${status}`);
      if (contentType !== 'application/problem+json') problems.push(`a ${contentType} error`);
      else check(pointer('components', 'schemas', 'Problem'), JSON.parse(payload), 'body', problems);
      return problems;
    }

    const name = `${operation.operationId} → ${status}`;
    const spec = operation.responses[status];
    if (!spec) return [`${name}: status not documented`];

    const documentedHeaders = new Map(
      Object.entries(spec.headers ?? {}).map(([header, value]) => [
        header.toLowerCase(),
        resolveHeader(value),
      ]),
    );
    for (const [header, headerSpec] of documentedHeaders) {
      const value = response.headers[header];
      if (value === undefined) {
        if (headerSpec.required) problems.push(`${name}: required header ${header} missing`);
        continue;
      }
      const schema = headerSpec.schema ?? {};
      const typed = schema.type === 'integer' ? Number(value) : String(value);
      const validate = headerValidator(schema);
      if (!validate(typed))
        problems.push(`${name}: header ${header}=${value} ${ajv.errorsText(validate.errors)}`);
    }
    for (const header of apiHeaders) {
      if (response.headers[header] !== undefined && !documentedHeaders.has(header)) {
        problems.push(`${name}: header ${header} is sent but not documented`);
      }
    }

    if (!spec.content || method.toLowerCase() === 'head') {
      if (spec.content === undefined && payload.length > 0)
        problems.push(`${name}: a body where none is documented`);
      return problems;
    }
    const media = spec.content[contentType];
    if (!media) {
      problems.push(
        `${name}: media type "${contentType}" not documented (${Object.keys(spec.content).join(', ')})`,
      );
      return problems;
    }
    const schemaAt = pointer(
      'paths',
      route.path,
      verb,
      'responses',
      status,
      'content',
      contentType,
      'schema',
    );
    if (contentType === 'application/x-ndjson') {
      const lines = payload.split('\n').filter((line) => line.trim() !== '');
      lines.forEach((line, index) => {
        check(`${schemaAt}/x-itemSchema`, JSON.parse(line), `${name} line ${index + 1}`, problems);
      });
    } else if (contentType.endsWith('json')) {
      check(schemaAt, JSON.parse(payload), name, problems);
    } else {
      check(schemaAt, payload, name, problems);
    }
    return problems;
  }

  return {
    problemsWith,
    /** Throws, naming every departure, when the response does not conform. */
    assertConforms(method: string, url: string, response: LiveResponse) {
      const problems = problemsWith(method, url, response);
      if (problems.length > 0) {
        throw new Error(`${method} ${url} does not match openapi/openapi.json:\n  ${problems.join('\n  ')}`);
      }
    },
  };
}

/** The path as the router sees it; a malformed escape is left as sent (the router answers 400). */
function safelyDecoded(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function readDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(documentUrl, 'utf8'));
}

let shared: ReturnType<typeof createResponseValidator> | undefined;
/** One validator per test process: compiling the document's schemas once keeps every test fast. */
export const responseValidator = () => {
  shared ??= createResponseValidator();
  return shared;
};
