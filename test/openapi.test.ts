import { readFileSync } from 'node:fs';
import t from 'tap';
import { renderOpenApi } from '../src/http/openapi.js';
import { buildTestApp } from './support/app.js';

t.test('the OpenAPI document', async (t) => {
  const app = await buildTestApp(t);
  const response = await app.inject('/openapi.json');
  t.equal(response.statusCode, 200);
  const document = response.json();

  t.test(
    'is OpenAPI 3.1 and matches the committed openapi/openapi.json (run `npm run openapi`)',
    async (t) => {
      t.equal(document.openapi, '3.1.0');
      const committed = readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8');
      t.equal(renderOpenApi(app), committed);
    },
  );

  t.test('every operation has an operationId, a summary, a tag and documented errors', async (t) => {
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(
      document.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        t.type(operation.operationId, 'string', `${name} operationId`);
        t.notOk(operationIds.has(operation.operationId as string), `${name} operationId is unique`);
        operationIds.add(operation.operationId as string);
        t.type(operation.summary, 'string', `${name} summary`);
        t.ok((operation.tags as string[] | undefined)?.length, `${name} tag`);
        for (const parameter of (operation.parameters as { name: string }[] | undefined) ?? []) {
          t.match(
            JSON.stringify(parameter),
            /"examples?"/,
            `${name} parameter ${parameter.name} has an example`,
          );
        }
        const responses = operation.responses as Record<
          string,
          { content?: Record<string, { schema: unknown }> }
        >;
        for (const [status, entry] of Object.entries(responses)) {
          // Readiness answers 503 with its own report of which check failed; every other error is a Problem.
          if (Number(status) >= 400 && operation.operationId !== 'getReadiness') {
            t.same(
              entry.content?.['application/problem+json']?.schema,
              { $ref: '#/components/schemas/Problem' },
              `${name} ${status}`,
            );
          }
        }
      }
    }
    t.ok(operationIds.has('listArticles') && operationIds.has('getArticle'));
  });

  t.test('resources, pages and Problem are named components with examples', async (t) => {
    const schemas = document.components.schemas;
    for (const name of [
      'Article',
      'ArticleListItem',
      'ArticlePage',
      'Author',
      'AuthorPage',
      'Tag',
      'TagPage',
      'Problem',
    ]) {
      t.ok(schemas[name], name);
    }
    for (const [name, schema] of Object.entries(schemas as Record<string, { examples?: unknown[] }>)) {
      t.ok(schema.examples?.length, `${name} has an example`);
      t.notMatch(name, /Input$/, `${name} has a plain name`);
    }
    const listArticles = document.paths['/v1/articles'].get;
    t.same(listArticles.responses['200'].content['application/json'].schema, {
      anyOf: [
        { $ref: '#/components/schemas/ArticlePage' },
        { $ref: '#/components/schemas/ArticleFieldsPage' },
      ],
    });
    const limit = listArticles.parameters.find((parameter: { name: string }) => parameter.name === 'limit');
    t.match(limit, { in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } });
  });

  t.test('interactive docs are served at /docs', async (t) => {
    const docs = await app.inject('/docs/');
    t.equal(docs.statusCode, 200);
    t.match(docs.headers['content-type'], /text\/html/);
  });
});
