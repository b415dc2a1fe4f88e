import { z } from 'zod';
import { absoluteUrl } from './links.js';
import { routePlugin } from './route-plugin.js';

const openApiMediaType = 'application/vnd.oai.openapi+json';

const ServiceIndex = z
  .object({
    name: z.string(),
    description: z.string(),
    links: z
      .object({
        articles: z.string(),
        authors: z.string(),
        tags: z.string(),
        changes: z.string(),
        webhooks: z.string(),
        feeds: z.object({ atom: z.string(), rss: z.string(), json: z.string() }),
        openapi: z.string(),
        docs: z.string(),
        problems: z.string(),
        health: z.string(),
        readiness: z.string(),
      })
      .describe(
        'Absolute URLs of the collections, the change feed, webhook subscriptions (the `admin` scope), ' +
          'feeds, documentation and probes.',
      ),
  })
  .meta({
    id: 'ServiceIndex',
    examples: [
      {
        name: 'Gazette',
        description: 'News and analysis articles with their authors and tags.',
        links: {
          articles: 'http://127.0.0.1:3000/v1/articles',
          authors: 'http://127.0.0.1:3000/v1/authors',
          tags: 'http://127.0.0.1:3000/v1/tags',
          changes: 'http://127.0.0.1:3000/v1/changes',
          webhooks: 'http://127.0.0.1:3000/v1/webhooks',
          feeds: {
            atom: 'http://127.0.0.1:3000/v1/feeds/articles.atom',
            rss: 'http://127.0.0.1:3000/v1/feeds/articles.rss',
            json: 'http://127.0.0.1:3000/v1/feeds/articles.json',
          },
          openapi: 'http://127.0.0.1:3000/openapi.json',
          docs: 'http://127.0.0.1:3000/docs',
          problems: 'http://127.0.0.1:3000/problems',
          health: 'http://127.0.0.1:3000/healthz',
          readiness: 'http://127.0.0.1:3000/readyz',
        },
      },
    ],
  });

const linkTarget = z
  .array(z.object({ href: z.string().max(2000), type: z.string().max(100) }).describe('A link target.'))
  .max(1);
const ApiCatalog = z
  .object({
    linkset: z
      .array(
        z.object({
          anchor: z.string().max(2000).describe('The API these links describe: the root URL.'),
          'service-desc': linkTarget,
          'service-doc': linkTarget,
          status: linkTarget,
        }),
      )
      .max(1),
  })
  .describe('An RFC 9264 linkset in JSON.');

/** The index `GET /` answers, with `url` making a path absolute. */
function serviceIndex(url: (path: string) => string): z.infer<typeof ServiceIndex> {
  return {
    name: 'Gazette',
    description: 'News and analysis articles with their authors and tags.',
    links: {
      articles: url('/v1/articles'),
      authors: url('/v1/authors'),
      tags: url('/v1/tags'),
      changes: url('/v1/changes'),
      webhooks: url('/v1/webhooks'),
      feeds: {
        atom: url('/v1/feeds/articles.atom'),
        rss: url('/v1/feeds/articles.rss'),
        json: url('/v1/feeds/articles.json'),
      },
      openapi: url('/openapi.json'),
      docs: url('/docs'),
      problems: url('/problems'),
      health: url('/healthz'),
      readiness: url('/readyz'),
    },
  };
}

/**
 * Where a newcomer (or a crawler) finds everything: `GET /` lists the API's entry points and points
 * to the OpenAPI document with `Link: rel="service-desc"` (RFC 8631); `/.well-known/api-catalog`
 * says the same as an RFC 9727 linkset.
 */
export const serviceIndexRoutes = routePlugin('gazette-service-index', async (app) => {
  app.get(
    '/',
    {
      schema: {
        operationId: 'getServiceIndex',
        summary: 'Entry points: collections, the change feed, webhooks, feeds, the OpenAPI document',
        description: 'Also answers with `Link` headers to the OpenAPI document and the interactive docs.',
        tags: ['Operations'],
        querystring: z.strictObject({}),
        response: { 200: ServiceIndex },
      },
    },
    async (request, reply) => {
      const url = (path: string) => absoluteUrl(request, path);
      reply.header(
        'link',
        `<${url('/openapi.json')}>; rel="service-desc"; type="${openApiMediaType}", ` +
          `<${url('/docs')}>; rel="service-doc"; type="text/html", ` +
          `<${url('/.well-known/api-catalog')}>; rel="api-catalog"`,
      );
      return serviceIndex(url);
    },
  );

  app.get(
    '/.well-known/api-catalog',
    {
      schema: {
        operationId: 'getApiCatalog',
        summary: 'The API catalog (RFC 9727): where the OpenAPI document, docs and status are',
        description: 'The same entry points `GET /` names in its `Link` header, as a linkset.',
        tags: ['Operations'],
        querystring: z.strictObject({}),
        response: {
          200: {
            description: 'The linkset of this API.',
            content: { 'application/linkset+json': { schema: ApiCatalog } },
          },
        },
      },
    },
    async (request, reply) => {
      const url = (path: string) => absoluteUrl(request, path);
      return reply.type('application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"').send({
        linkset: [
          {
            anchor: url('/'),
            'service-desc': [{ href: url('/openapi.json'), type: openApiMediaType }],
            'service-doc': [{ href: url('/docs'), type: 'text/html' }],
            status: [{ href: url('/readyz'), type: 'application/json' }],
          },
        ],
      });
    },
  );
});
