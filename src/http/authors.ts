import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services/index.js';
import { sendPage } from './links.js';
import { cursorParam, idOrSlugParams, includeTotalParam, limitParam, problemResponses } from './params.js';
import { Author, AuthorPage } from './schemas.js';

export const authorRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/v1/authors',
    {
      schema: {
        operationId: 'listAuthors',
        summary: 'List authors',
        description: 'By name, with the number of articles each wrote.',
        tags: ['Authors'],
        querystring: z.strictObject({
          limit: limitParam,
          cursor: cursorParam,
          include_total: includeTotalParam,
        }),
        response: { 200: AuthorPage, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { limit, cursor, include_total } = request.query;
      return sendPage(
        request,
        reply,
        await services.catalog.listAuthors({ limit, cursor, includeTotal: include_total }),
      );
    },
  );

  app.get(
    '/v1/authors/:idOrSlug',
    {
      schema: {
        operationId: 'getAuthor',
        summary: 'Get one author',
        tags: ['Authors'],
        params: idOrSlugParams,
        querystring: z.strictObject({}),
        response: { 200: Author, ...problemResponses(400, 404) },
      },
    },
    async (request) => services.catalog.getAuthor(request.params.idOrSlug),
  );
};
