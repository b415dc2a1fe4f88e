import { z } from 'zod';
import { nameKey } from '../lib/names.js';
import { namedResourceRoutes } from './named-routes.js';
import { routePlugin } from './route-plugin.js';
import { Author, AuthorPage } from './schemas.js';

export const authorRoutes = routePlugin('gazette-author-routes', async (app) => {
  const { catalog } = app.services;
  namedResourceRoutes(app, {
    path: '/v1/authors',
    tag: 'Authors',
    list: {
      operationId: 'listAuthors',
      summary: 'List authors',
      description:
        'By name, with the number of articles each wrote; `q` keeps those whose name, or a word in ' +
        'it, starts with the given text.',
      cursorExample: 'WyJJbmVzIEJyYWNrbGV5Iiw0XQ',
      filters: {
        q: z
          .string()
          .max(200)
          .refine((value) => nameKey(value).length > 0, 'must contain a letter or a digit')
          .optional()
          .meta({
            description: 'Name prefix, case- and accent-insensitive: `jos` finds "José Martí", `mar` too.',
            examples: ['ine'],
          }),
      },
      page: AuthorPage,
      pageDescription: 'A page of authors.',
      find: (query) => catalog.listAuthors(query),
    },
    item: {
      operationId: 'getAuthor',
      summary: 'Get one author',
      description: 'By numeric id or slug, with the number of articles they wrote.',
      slugExample: 'ines-brackley',
      schema: Author,
      itemDescription: 'The author.',
      find: (idOrSlug) => catalog.getAuthor(idOrSlug),
    },
  });
});
