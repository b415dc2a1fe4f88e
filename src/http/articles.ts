import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services/index.js';
import { sendPage } from './links.js';
import {
  cursorParam,
  idOrSlugParams,
  includeTotalParam,
  limitParam,
  problemResponses,
  repeatableParam,
} from './params.js';
import { Article, ArticlePage } from './schemas.js';

const listQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam,
  sort: z
    .enum(['-published_at', 'published_at'])
    .default('-published_at')
    .describe('Newest first (default) or oldest first; articles without a date come last, then first.'),
  tag: repeatableParam('Tag slugs; an article matches when it has any of them.'),
  author: repeatableParam('Author slugs; an article matches when any of them wrote it.'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as en')
    .optional(),
  published_after: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('Inclusive lower bound on published_at (ISO 8601 date or date-time).'),
  published_before: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('Exclusive upper bound on published_at (ISO 8601 date or date-time).'),
  include_total: includeTotalParam,
});

/** Stored timestamps are UTC ISO strings, so a bound must be one too before it is compared as text. */
const toUtcIso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

export const articleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/v1/articles',
    {
      schema: {
        operationId: 'listArticles',
        summary: 'List articles',
        description: 'Newest first, a page at a time; follow `page.next_cursor` or the `Link` header.',
        tags: ['Articles'],
        querystring: listQuery,
        response: { 200: ArticlePage, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const page = await services.catalog.listArticles({
        limit: query.limit,
        cursor: query.cursor,
        sort: query.sort,
        tags: query.tag,
        authors: query.author,
        language: query.language,
        publishedAfter: toUtcIso(query.published_after),
        publishedBefore: toUtcIso(query.published_before),
        includeTotal: query.include_total,
      });
      return sendPage(request, reply, page);
    },
  );

  app.get(
    '/v1/articles/:idOrSlug',
    {
      schema: {
        operationId: 'getArticle',
        summary: 'Get one article',
        tags: ['Articles'],
        params: idOrSlugParams,
        querystring: z.strictObject({}),
        response: { 200: Article, ...problemResponses(400, 404) },
      },
    },
    async (request) => services.catalog.getArticle(request.params.idOrSlug),
  );
};
