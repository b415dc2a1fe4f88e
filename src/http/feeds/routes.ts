import { z } from 'zod';
import { problemResponses, repeatableParam } from '../params.js';
import { routePlugin } from '../route-plugin.js';
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

/** One feed format: where it is served, how it is documented, and how a feed is rendered in it. */
interface FeedFormat {
  path: string;
  operationId: string;
  summary: string;
  contentType: string;
  schema: z.ZodType;
  description: string;
  render: (feed: Feed) => unknown;
}

const feedFormats: FeedFormat[] = [
  {
    path: '/v1/feeds/articles.atom',
    operationId: 'getAtomFeed',
    summary: 'Articles as an Atom 1.0 feed',
    contentType: atomContentType,
    schema: xmlBody('An Atom 1.0 (RFC 4287) feed.'),
    description: 'The Atom feed.',
    render: renderAtom,
  },
  {
    path: '/v1/feeds/articles.rss',
    operationId: 'getRssFeed',
    summary: 'Articles as an RSS 2.0 feed',
    contentType: rssContentType,
    schema: xmlBody('An RSS 2.0 feed.'),
    description: 'The RSS feed.',
    render: renderRss,
  },
  {
    path: '/v1/feeds/articles.json',
    operationId: 'getJsonFeed',
    summary: 'Articles as a JSON Feed 1.1',
    contentType: jsonFeedContentType,
    schema: JsonFeed,
    description: 'The JSON Feed.',
    render: renderJsonFeed,
  },
];

export const feedRoutes = routePlugin('gazette-feed-routes', async (app) => {
  /** The newest 50 matching articles as a format-neutral feed, with URLs under the public origin. */
  async function feedFor(
    request: { publicOrigin: string; query: z.output<typeof feedQuery> },
    path: string,
  ): Promise<Feed> {
    const filters = { tags: request.query.tag, authors: request.query.author };
    const articles = await app.services.feeds.listFeedArticles(filters);
    return buildFeed(articles, request.publicOrigin, path, filters);
  }

  for (const format of feedFormats) {
    app.get(
      format.path,
      {
        schema: {
          tags: ['Feeds'],
          querystring: feedQuery,
          description:
            'The 50 newest articles (undated ones last), filtered like /v1/articles by `tag` and `author`.',
          operationId: format.operationId,
          summary: format.summary,
          response: {
            200: documentOf(format.contentType, format.schema, format.description),
            ...problemResponses(400),
          },
        },
      },
      async (request, reply) =>
        reply.type(format.contentType).send(format.render(await feedFor(request, format.path))),
    );
  }
});
