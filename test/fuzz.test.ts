import fc from 'fast-check';
import t from 'tap';
import { auth, buildTestApp, plainArticle, testApiKey } from './support/app.js';

/**
 * Every operation the served OpenAPI document describes, called with random and boundary values for
 * each parameter, header and body (and with no key, a wrong key and a valid one). Whatever the
 * input, Gazette must answer: a 5xx anywhere fails the test. Seeds change from run to run; a failure
 * prints the seed and the request that broke.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  examples?: unknown[];
  default?: unknown;
};
type Parameter = { name: string; in: 'query' | 'path' | 'header'; schema: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/** Strings that have broken parsers, SQL, full-text syntax, URLs, XML or JSON somewhere before. */
const hostileStrings = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '9007199254740993',
  '"',
  "'",
  '*',
  'a*',
  '"unterminated',
  'NEAR(a b)',
  'a OR',
  'OR',
  'NOT',
  '-a',
  '^a',
  'a AND (b',
  ':',
  'title:a',
  '%',
  '%00',
  '\u0000',
  '\u0007\u001b[0m',
  '\ud800',
  '😀'.repeat(50),
  'é',
  '<script>alert(1)</script>',
  ']]>',
  '../../etc/passwd',
  '; DROP TABLE articles; --',
  'a'.repeat(5000),
  'a,b,,c,',
  ',',
  '9999-12-31T23:59:59-01:00',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '2026-02-30',
  'WyIyMDI2LTAzLTE0VDA5OjMwOjAwLjAwMFoiLDEyXQ',
  'W10',
  'eyJhIjoxfQ',
];

function resolve(schema: Schema, document: Document): Schema {
  if (!schema.$ref) return schema;
  return resolve(document.components.schemas[schema.$ref.split('/').at(-1)!]!, document);
}

/** Random and boundary values a JSON value of `schema` could take, and some it must not. */
function valuesOf(input: Schema, document: Document, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input, document);
  const hostile = fc.constantFrom(...hostileStrings);
  const options: fc.Arbitrary<unknown>[] = [hostile, fc.string({ unit: 'binary', maxLength: 30 })];
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants) options.push(...variants.map((variant) => valuesOf(variant, document, depth)));
  if (schema.enum) options.push(fc.constantFrom(...schema.enum));
  if (schema.examples?.length) options.push(fc.constantFrom(...schema.examples));
  if (schema.default !== undefined) options.push(fc.constant(schema.default));
  const types = [schema.type ?? []].flat();
  if (types.includes('integer') || types.includes('number')) {
    const low = schema.minimum ?? schema.exclusiveMinimum ?? 0;
    const high = schema.maximum ?? 1000;
    options.push(
      fc.constantFrom(low, low - 1, high, high + 1, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 63),
      fc.integer(),
    );
  }
  if (types.includes('string')) {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength ?? 300;
    options.push(
      fc.constantFrom('a'.repeat(min), 'a'.repeat(Math.min(max, 5000)), 'a'.repeat(Math.min(max + 1, 5001))),
      fc.string({ maxLength: 40 }),
    );
    if (schema.format === 'date-time')
      options.push(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
    if (schema.format === 'uri')
      options.push(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'http://[::1', 'ftp://x'));
  }
  if (types.includes('boolean')) options.push(fc.boolean());
  if (types.includes('null')) options.push(fc.constant(null));
  if (types.includes('array') && depth < 3) {
    options.push(
      fc.array(schema.items ? valuesOf(schema.items, document, depth + 1) : fc.anything(), { maxLength: 60 }),
    );
  }
  if ((types.includes('object') || schema.properties) && depth < 3) {
    const properties = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, property]) => [
        name,
        valuesOf(property, document, depth + 1),
      ]),
    );
    options.push(
      fc.record(properties, { requiredKeys: schema.required ?? [] }),
      fc.record({ ...properties, unexpected: fc.anything() }, { requiredKeys: [] }),
    );
  }
  return fc.oneof(...options);
}

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** A body for one of the operation's media types, or for a media type it does not take. */
function bodiesOf(
  operation: Operation,
  document: Document,
): fc.Arbitrary<{ type?: string; payload?: string }> {
  const content = operation.requestBody?.content ?? {};
  const raw = fc.oneof(
    fc.constantFrom(...hostileStrings),
    fc.string({ unit: 'binary', maxLength: 2000 }),
    fc.constant(plainArticle()),
    fc.constant(
      `<html><head><meta property="article:published_time" content="9999-12-31T23:59:59-01:00"></head><body><p>${plainArticle()}</p></body></html>`,
    ),
  );
  const choices: fc.Arbitrary<{ type?: string; payload?: string }>[] = [
    fc.record({
      type: fc.constantFrom(
        'text/plain',
        'text/html',
        'application/json',
        'application/x-ndjson',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'text/csv',
      ),
      payload: raw,
    }),
    fc.constant({}),
  ];
  for (const [type, { schema }] of Object.entries(content)) {
    const resolved = resolve(schema, document);
    if (type === 'application/json') {
      choices.push(
        fc.record({
          type: fc.constant(type),
          payload: fc.oneof(valuesOf(resolved, document).map(asText), raw),
        }),
      );
    } else if (type === 'application/x-ndjson') {
      const ingestObject = valuesOf(document.components.schemas.IngestObject ?? {}, document);
      const line = fc.oneof(
        ingestObject.map(asText),
        raw.map((text) => text.replaceAll('\n', ' ')),
      );
      choices.push(
        fc.record({
          type: fc.constant(`${type}; charset=utf-8`),
          payload: fc.array(line, { maxLength: 5 }).map((lines) => lines.join('\n')),
        }),
      );
    } else {
      choices.push(
        fc.record({
          type: fc.constantFrom(type, `${type}; charset=iso-8859-1`, `${type}; charset=bogus`),
          payload: raw,
        }),
      );
    }
  }
  return fc.oneof(...choices);
}

t.test('no input to any operation makes Gazette answer 5xx', async (t) => {
  const app = await buildTestApp(t);
  for (const title of ['Ferry fares rise in the harbour city', 'Tram line opens to the northern suburbs']) {
    await app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ raw: plainArticle({ title }), tags: ['Transport'], authors: ['Ann Lee'] }),
    });
  }
  const document = (await app.inject('/openapi.json')).json() as Document;
  const known = fc.constantFrom('1', '2', 'ferry-fares-rise-in-the-harbour-city', 'transport', 'ann-lee');
  const authorizations = fc.constantFrom<Record<string, string>>(
    {},
    auth,
    { authorization: `bearer  ${testApiKey}` },
    { authorization: 'Bearer not-a-key-at-all-000000' },
    { authorization: 'Bearer' },
    { authorization: 'Basic YTpi' },
  );
  // What browsers and tools send, malformed lists, and anything printable.
  const acceptEncodings = fc.option(
    fc.oneof(
      fc.constantFrom('br, gzip', 'gzip, deflate', 'br;q=0, gzip', '*', 'x-gzip', 'identity', 'br;q=nan, ,;'),
      fc.string({ maxLength: 40 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
    ),
    { freq: 2 },
  );

  let operations = 0;
  const statuses = new Map<number, number>();
  // Deletes go last: with the valid key they remove the known articles every other operation reads.
  const byMethod = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ route, method, operation })),
  );
  const ordered = [
    ...byMethod.filter(({ method }) => method !== 'delete'),
    ...byMethod.filter(({ method }) => method === 'delete'),
  ];
  for (const { route, method, operation } of ordered) {
    operations++;
    const parameters = (operation.parameters ?? []).map((parameter) => ({
      parameter,
      value: fc.option(
        parameter.in === 'path'
          ? fc.oneof(known, valuesOf(parameter.schema, document))
          : valuesOf(parameter.schema, document),
        { freq: 4 },
      ),
    }));
    const request = fc.record({
      values: fc.tuple(...parameters.map(({ value }) => value)),
      body:
        method === 'get'
          ? fc.constant<{ type?: string; payload?: string }>({})
          : bodiesOf(operation, document),
      authorization: authorizations,
      acceptEncoding: acceptEncodings,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ values, body, authorization, acceptEncoding }) => {
        let url = route;
        const query = new URLSearchParams();
        const headers: Record<string, string> = { ...authorization };
        if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
        parameters.forEach(({ parameter }, index) => {
          const value = values[index];
          if (parameter.in === 'path') {
            // A URL carries bytes: a lone surrogate goes as U+FFFD, as any client would send it.
            const text = Buffer.from(asText(value ?? 'x'), 'utf8').toString('utf8');
            url = url.replace(`{${parameter.name}}`, encodeURIComponent(text));
          } else if (value === null || value === undefined) {
            // left out
          } else if (parameter.in === 'query') {
            for (const item of Array.isArray(value) ? value : [value])
              query.append(parameter.name, asText(item));
          } else {
            // Header values cannot carry control characters or non-Latin-1 text at all.
            const text = asText(value).replace(/[^\x20-\x7e]/g, '');
            if (text) headers[parameter.name] = text;
          }
        });
        if (body.type) headers['content-type'] = body.type;
        const target = `${url}${query.size ? `?${query}` : ''}`;
        const response = await app.inject({
          method: method.toUpperCase() as 'GET',
          url: target,
          headers,
          ...(body.payload !== undefined ? { payload: body.payload } : {}),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          throw new Error(
            `${method.toUpperCase()} ${target.slice(0, 300)} → ${response.statusCode}: ${response.body.slice(0, 300)}`,
          );
        }
        if (
          response.statusCode >= 400 &&
          !/^application\/problem\+json/.test(String(response.headers['content-type']))
        ) {
          throw new Error(
            `${method.toUpperCase()} ${target.slice(0, 300)} → ${response.statusCode} without a problem`,
          );
        }
      }),
      { numRuns: method === 'get' ? 60 : 40, endOnFailure: true },
    );
  }
  t.ok(operations >= 15, `${operations} operations fuzzed`);
  const seen = [...statuses.keys()];
  t.ok(
    seen.some((status) => status < 300),
    'some calls succeeded',
  );
  t.ok(
    seen.some((status) => status >= 400 && status < 500),
    'some calls were refused',
  );
});
