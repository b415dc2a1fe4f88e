import { z } from 'zod';
import { nameKey } from '../lib/names.js';
import { sendPage } from './links.js';
import {
  cursorParam,
  idOrSlugParams,
  includeTotalParam,
  jsonResponse,
  limitParam,
  problemResponses,
} from './params.js';
import { routePlugin } from './route-plugin.js';
import { Author, AuthorPage } from './schemas.js';

export const authorRoutes = routePlugin('gazette-author-routes', async (app) => {
  const { services } = app;
  app.get(
    '/v1/authors',
    {
      schema: {
        operationId: 'listAuthors',
        summary: 'List authors',
        description:
          'By name, with the number of articles each wrote; `q` keeps those whose name, or a word in ' +
          'it, starts with the given text.',
        tags: ['Authors'],
        querystring: z.strictObject({
          limit: limitParam,
          cursor: cursorParam('WyJJbmVzIEJyYWNrbGV5Iiw0XQ'),
          include_total: includeTotalParam,
          q: z
            .string()
            .max(200)
            .refine((value) => nameKey(value).length > 0, 'must contain a letter or a digit')
            .optional()
            .meta({
              description: 'Name prefix, case- and accent-insensitive: `jos` finds "José Martí", `mar` too.',
              examples: ['ine'],
            }),
        }),
        response: { 200: jsonResponse('A page of authors.', AuthorPage), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { limit, cursor, include_total, q } = request.query;
      return sendPage(
        request,
        reply,
        await services.catalog.listAuthors({ limit, cursor, includeTotal: include_total, q }),
      );
    },
  );

  app.get(
    '/v1/authors/:idOrSlug',
    {
      schema: {
        operationId: 'getAuthor',
        summary: 'Get one author',
        description: 'By numeric id or slug, with the number of articles they wrote.',
        tags: ['Authors'],
        params: idOrSlugParams('ines-brackley'),
        querystring: z.strictObject({}),
        response: { 200: jsonResponse('The author.', Author), ...problemResponses(400, 404, 414) },
      },
    },
    async (request) => services.catalog.getAuthor(request.params.idOrSlug),
  );
});
