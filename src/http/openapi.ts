import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { type OpenApiDocument, withServerConventions } from './openapi-conventions.js';
import { docsContentSecurityPolicy } from './security-headers.js';

const apiVersion = '1.0.0';

/** Gazette's mark for /docs: the topbar logo and the favicon, in place of the framework's. */
const gazetteMark = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 40" width="160" height="40">' +
    '<rect width="40" height="40" rx="6" fill="#1d3557"/>' +
    '<text x="20" y="29" font-family="Georgia,serif" font-size="26" font-weight="700" fill="#fff" text-anchor="middle">G</text>' +
    '<text x="50" y="28" font-family="Georgia,serif" font-size="22" font-weight="700" fill="#fff">Gazette</text>' +
    '</svg>',
);
const gazetteIcon = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">' +
    '<rect width="40" height="40" rx="6" fill="#1d3557"/>' +
    '<text x="20" y="29" font-family="Georgia,serif" font-size="26" font-weight="700" fill="#fff" text-anchor="middle">G</text>' +
    '</svg>',
);

/** Must be registered before any route: @fastify/swagger collects routes as they are added. */
export const openApi = fp(
  async (app) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Gazette',
          version: apiVersion,
          license: { name: 'MIT', identifier: 'MIT' },
          contact: { name: 'Gazette maintainers' },
          description:
            'News and analysis articles with their authors and tags. Reads are public; writes need ' +
            '`Authorization: Bearer <key>`. Errors are RFC 9457 `application/problem+json`.',
        },
        tags: [
          { name: 'Articles', description: 'Articles, newest first' },
          { name: 'Authors', description: 'People who wrote the articles' },
          { name: 'Tags', description: 'Topics named by sources or derived by Gazette' },
          { name: 'Feeds', description: 'Articles as Atom, RSS and JSON Feed for feed readers' },
          { name: 'Ingest', description: 'Raw articles in, structured articles out' },
          { name: 'Changes', description: 'Every change, in order, for mirrors and search indexes' },
          {
            name: 'Webhooks',
            description: 'Change events POSTed to subscribers, signed per Standard Webhooks',
          },
          { name: 'Operations', description: 'The service index, health and readiness' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Gazette API key.' },
          },
        },
      },
      transform: transformWithBodyContent,
      transformObject: (document) =>
        withServerConventions(
          withoutUnusedSchemas(jsonSchemaTransformObject(document) as OpenApiDocument),
        ) as ReturnType<typeof jsonSchemaTransformObject>,
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      logLevel: 'warn',
      logo: { type: 'image/svg+xml', content: gazetteMark, href: '/', target: '_self' },
      theme: {
        title: 'Gazette API',
        favicon: [
          { filename: 'gazette.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: gazetteIcon },
        ],
      },
      staticCSP: docsContentSecurityPolicy,
    });

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'gazette-openapi', fastify: '5.x' },
);

type Transform = typeof jsonSchemaTransform;

/**
 * The zod transform converts a body schema but not a body with one schema per media type (ingest
 * takes JSON, plain text and HTML); convert each media type's schema on its own and reassemble.
 */
const transformWithBodyContent: Transform = (input) => {
  const body = input.schema?.body as { content?: Record<string, { schema: unknown }> } | undefined;
  if (!body?.content) return jsonSchemaTransform(input);
  const { body: _body, ...rest } = input.schema;
  const transformed = jsonSchemaTransform({ ...input, schema: rest });
  const content = Object.fromEntries(
    Object.entries(body.content).map(([mediaType, entry]) => {
      const converted = jsonSchemaTransform({ ...input, schema: { body: entry.schema } as typeof rest });
      return [mediaType, { schema: (converted.schema as { body: unknown }).body }];
    }),
  );
  return { ...transformed, schema: { ...transformed.schema, body: { content } } };
};

/** The document exactly as served, for `gazette openapi` and the drift test. */
export function renderOpenApi(app: FastifyInstance): string {
  return `${JSON.stringify(app.swagger(), null, 2)}\n`;
}

/**
 * The zod transform emits an input and an output variant of every registered schema. Keep only the
 * ones some operation refers to, and give an `…Input` variant its plain name when that name is free,
 * so generated clients get `IngestObject`, not `IngestObjectInput`, and no unused types.
 */
function withoutUnusedSchemas(document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const { components, ...rest } = document;
  const used = new Set<string>();
  const pending = [JSON.stringify(rest)];
  while (pending.length > 0) {
    for (const [, name] of pending.pop()!.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        pending.push(JSON.stringify(schemas[name]));
      }
    }
  }
  const renames = [...used]
    .filter((name) => name.endsWith('Input') && !used.has(name.slice(0, -'Input'.length)))
    .map((name) => [name, name.slice(0, -'Input'.length)] as const);
  let text = JSON.stringify({
    ...document,
    components: {
      ...components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  });
  for (const [from, to] of renames) {
    text = text
      .replaceAll(`"#/components/schemas/${from}"`, `"#/components/schemas/${to}"`)
      .replace(`"${from}":`, `"${to}":`);
  }
  return JSON.parse(text);
}
