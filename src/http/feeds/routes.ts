import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/index.js';
import { problemResponses, repeatableParam } from '../params.js';
import { atomContentType, renderAtom } from './atom.js';
import { JsonFeed, jsonFeedContentType, renderJsonFeed } from './json-feed.js';
import { buildFeed, type Feed } from './model.js';
import { renderRss, rssContentType } from './rss.js';

const feedQuery = z.strictObject({
  tag: repeatableParam('Tag slugs; an article is in the feed when it has any of them.', 'transport'),
  author: repeatableParam(
    'Author slugs; an article is in the feed when any of them wrote it.',
    'ines-brackley',
  ),
});

const xmlBody = (description: string) => z.string().describe(description);

function documentOf(mediaType: string, schema: z.ZodType, description: string) {
  return { description, content: { [mediaType.split(';')[0]!]: { schema } } };
}

export const feedRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  /** The newest 50 matching articles as a format-neutral feed, with URLs under the public origin. */
  async function feedFor(
    request: { publicOrigin: string; query: z.output<typeof feedQuery> },
    path: string,
  ): Promise<Feed> {
    const filters = { tags: request.query.tag, authors: request.query.author };
    const articles = await services.feeds.listFeedArticles(filters);
    return buildFeed(articles, request.publicOrigin, path, filters);
  }

  const sendXml = (reply: FastifyReply, contentType: string, xml: string) =>
    reply.type(contentType).send(xml);

  const common = {
    tags: ['Feeds'],
    querystring: feedQuery,
    description:
      'The 50 newest articles (undated ones last), filtered like /v1/articles by `tag` and `author`.',
  };

  app.get(
    '/v1/feeds/articles.atom',
    {
      schema: {
        ...common,
        operationId: 'getAtomFeed',
        summary: 'Articles as an Atom 1.0 feed',
        response: {
          200: documentOf(atomContentType, xmlBody('An Atom 1.0 (RFC 4287) feed.'), 'The Atom feed.'),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) =>
      sendXml(reply, atomContentType, renderAtom(await feedFor(request, '/v1/feeds/articles.atom'))),
  );

  app.get(
    '/v1/feeds/articles.rss',
    {
      schema: {
        ...common,
        operationId: 'getRssFeed',
        summary: 'Articles as an RSS 2.0 feed',
        response: {
          200: documentOf(rssContentType, xmlBody('An RSS 2.0 feed.'), 'The RSS feed.'),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) =>
      sendXml(reply, rssContentType, renderRss(await feedFor(request, '/v1/feeds/articles.rss'))),
  );

  app.get(
    '/v1/feeds/articles.json',
    {
      schema: {
        ...common,
        operationId: 'getJsonFeed',
        summary: 'Articles as a JSON Feed 1.1',
        response: {
          200: documentOf(jsonFeedContentType, JsonFeed, 'The JSON Feed.'),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) =>
      reply.type(jsonFeedContentType).send(renderJsonFeed(await feedFor(request, '/v1/feeds/articles.json'))),
  );
};
