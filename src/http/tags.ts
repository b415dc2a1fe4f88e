import { CollectionSort } from '../domain/collections.js';
import { namedResourceRoutes } from './named-routes.js';
import { routePlugin } from './route-plugin.js';
import { Tag, TagPage } from './schemas.js';

export const tagRoutes = routePlugin('gazette-tag-routes', async (app) => {
  const { catalog } = app.services;
  namedResourceRoutes(app, {
    path: '/v1/tags',
    tag: 'Tags',
    list: {
      operationId: 'listTags',
      summary: 'List tags',
      description:
        'By name (default) or most used first (`sort=-article_count`), with the number of articles ' +
        'carrying each. Cursors belong to the sort that issued them.',
      cursorExample: 'WyJFYXN0ZXJsZWlnaCIsMl0',
      filters: {
        sort: CollectionSort.default('name').meta({
          description: '`name` A–Z, or `-article_count`: most articles first, ties by name.',
          examples: ['-article_count'],
        }),
      },
      page: TagPage,
      pageDescription: 'A page of tags.',
      find: (query) => catalog.listTags(query),
    },
    item: {
      operationId: 'getTag',
      summary: 'Get one tag',
      description: 'By numeric id or slug, with the number of articles carrying it.',
      slugExample: 'transport',
      schema: Tag,
      itemDescription: 'The tag.',
      find: (idOrSlug) => catalog.getTag(idOrSlug),
    },
  });
});
