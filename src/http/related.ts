import { z } from 'zod';
import * as article from '../domain/article.js';
import { relatedScoring } from '../domain/related.js';
import { idOrSlugParams, jsonResponse, problemResponses } from './params.js';
import { routePlugin } from './route-plugin.js';
import { component } from './schemas.js';

const relatedExample = {
  id: 8,
  slug: 'first-electric-cranes-arrive-at-port-alder',
  title: 'First electric cranes arrive at Port Alder',
  subtitle: null,
  excerpt: 'Two electric container cranes have arrived at Port Alder…',
  images: [],
  authors: [{ id: 3, slug: 'ines-brackley', name: 'Ines Brackley' }],
  tags: [
    { id: 7, slug: 'transport', name: 'transport', derived: false },
    { id: 9, slug: 'port-alder', name: 'Port Alder', derived: false },
  ],
  language: 'en',
  word_count: 512,
  reading_time_minutes: 3,
  published_at: '2026-03-20T07:30:00.000Z',
  source_url: 'https://gazette.example.org/business/2026/03/20/electric-cranes-arrive',
  content_hash: '4be1a0…',
  created_at: '2026-03-20T07:05:42.118Z',
  updated_at: '2026-03-20T07:05:42.118Z',
  related: { score: 6, shared_tags: ['port-alder', 'transport'], shared_authors: ['ines-brackley'] },
};

const RelatedArticle = component(article.RelatedArticle, {
  id: 'RelatedArticle',
  description: 'An article summary with the reason it is related to another article.',
  examples: [relatedExample],
});

const RelatedPage = z
  .object({ data: z.array(RelatedArticle) })
  .meta({ id: 'RelatedPage', examples: [{ data: [relatedExample] }] });

export const relatedRoutes = routePlugin('gazette-related-routes', async (app) => {
  const { services } = app;
  app.get(
    '/v1/articles/:idOrSlug/related',
    {
      schema: {
        operationId: 'listRelatedArticles',
        summary: 'List articles related to one article',
        description: `Articles sharing tags or authors with this one, best match first, then newest. ${relatedScoring} The article itself is never listed.`,
        tags: ['Articles'],
        params: idOrSlugParams('ferry-company-orders-two-hybrid-vessels-for-the-island-routes'),
        querystring: z.strictObject({
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(50)
            .default(10)
            .meta({ description: 'How many articles, 1–50.', examples: [10] }),
        }),
        response: {
          200: jsonResponse('The related articles, best match first.', RelatedPage),
          ...problemResponses(400, 404, 410, 414, 503),
        },
      },
    },
    async (request) => ({
      data: await services.related.listRelatedArticles(request.params.idOrSlug, request.query.limit),
    }),
  );
});
