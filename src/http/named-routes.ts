import { z } from 'zod';
import type { CollectionQuery } from '../domain/collections.js';
import type { Page } from '../domain/page.js';
import { sendPage } from './links.js';
import {
  cursorParam,
  idOrSlugParams,
  includeTotalParam,
  jsonResponse,
  limitParam,
  problemResponses,
} from './params.js';
import type { RoutesApp } from './route-plugin.js';

/** A list or single-item operation as documented: what differs between authors and tags. */
interface Operation {
  operationId: string;
  summary: string;
  description: string;
}

/** A named resource (authors, tags): a paged list by name and one item by id or slug. */
export interface NamedResource {
  /** `/v1/authors`, `/v1/tags`. */
  path: string;
  /** The document's tag of both operations. */
  tag: string;
  list: Operation & {
    cursorExample: string;
    /** The list's own query parameters, after the paging ones. */
    filters: z.ZodRawShape;
    page: z.ZodType;
    pageDescription: string;
    find: (query: CollectionQuery) => Promise<Page<unknown>>;
  };
  item: Operation & {
    slugExample: string;
    schema: z.ZodType;
    itemDescription: string;
    find: (idOrSlug: string) => Promise<unknown>;
  };
}

/** The list and single-item routes of a named resource; one definition for authors and tags alike. */
export function namedResourceRoutes(app: RoutesApp, { path, tag, list, item }: NamedResource) {
  app.get(
    path,
    {
      schema: {
        operationId: list.operationId,
        summary: list.summary,
        description: list.description,
        tags: [tag],
        querystring: z.strictObject({
          limit: limitParam,
          cursor: cursorParam(list.cursorExample),
          include_total: includeTotalParam,
          ...list.filters,
        }),
        response: { 200: jsonResponse(list.pageDescription, list.page), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { include_total, ...query } = request.query as Omit<CollectionQuery, 'includeTotal'> & {
        include_total: boolean;
      };
      return sendPage(request, reply, await list.find({ ...query, includeTotal: include_total }));
    },
  );

  app.get(
    `${path}/:idOrSlug`,
    {
      schema: {
        operationId: item.operationId,
        summary: item.summary,
        description: item.description,
        tags: [tag],
        params: idOrSlugParams(item.slugExample),
        querystring: z.strictObject({}),
        response: {
          200: jsonResponse(item.itemDescription, item.schema),
          ...problemResponses(400, 404, 414),
        },
      },
    },
    async (request) => item.find(request.params.idOrSlug),
  );
}
