import { z } from 'zod';
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
import { Tag, TagPage } from './schemas.js';

export const tagRoutes = routePlugin('gazette-tag-routes', async (app) => {
  const { services } = app;
  app.get(
    '/v1/tags',
    {
      schema: {
        operationId: 'listTags',
        summary: 'List tags',
        description:
          'By name (default) or most used first (`sort=-article_count`), with the number of articles ' +
          'carrying each. Cursors belong to the sort that issued them.',
        tags: ['Tags'],
        querystring: z.strictObject({
          limit: limitParam,
          cursor: cursorParam('WyJFYXN0ZXJsZWlnaCIsMl0'),
          include_total: includeTotalParam,
          sort: z
            .enum(['name', '-article_count'])
            .default('name')
            .meta({
              description: '`name` A–Z, or `-article_count`: most articles first, ties by name.',
              examples: ['-article_count'],
            }),
        }),
        response: { 200: jsonResponse('A page of tags.', TagPage), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { limit, cursor, include_total, sort } = request.query;
      return sendPage(
        request,
        reply,
        await services.catalog.listTags({ limit, cursor, includeTotal: include_total, sort }),
      );
    },
  );

  app.get(
    '/v1/tags/:idOrSlug',
    {
      schema: {
        operationId: 'getTag',
        summary: 'Get one tag',
        description: 'By numeric id or slug, with the number of articles carrying it.',
        tags: ['Tags'],
        params: idOrSlugParams('transport'),
        querystring: z.strictObject({}),
        response: { 200: jsonResponse('The tag.', Tag), ...problemResponses(400, 404, 414) },
      },
    },
    async (request) => services.catalog.getTag(request.params.idOrSlug),
  );
});
