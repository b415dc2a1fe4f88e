import type { onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import type { ArticleView } from '../domain/article.js';
import type { Author as AuthorValue, Tag as TagValue } from '../domain/collections.js';
import { ArticlePatch, AuthorPatch, TagMerge, TagPatch } from '../domain/edits.js';
import { BadRequest } from '../lib/errors.js';
import { bearerSecurity, requireScope } from './auth.js';
import {
  acceptMergePatches,
  ifMatchHeaders,
  ifMatchPrecondition,
  mergePatchType,
  resourceEntityTag,
} from './conditional-writes.js';
import { acceptsDocumentedMediaTypes } from './media-types.js';
import { idOrSlugParams, jsonResponse, problemResponses } from './params.js';
import { type RoutesApp, routePlugin } from './route-plugin.js';
import { Article, Author, Tag } from './schemas.js';

const writeProblems = problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503, 507);

/**
 * `/v1/tags//merge` reaches the route with an empty id: refused as validation would refuse it, before
 * the media type is checked, so the answer is the 400 that names the path and not a 415.
 */
const nonEmptyPath: onRequestAsyncHookHandler = async (request) => {
  if ((request.params as { idOrSlug?: string }).idOrSlug === '') {
    throw new BadRequest('Invalid path: path.idOrSlug is empty; name an id or a slug.', [
      { path: 'path.idOrSlug', message: 'must not be empty' },
    ]);
  }
};

/** What every write operation here shares: a path that names something, the write scope, documented media types. */
function writeOperation(app: RoutesApp) {
  return {
    onRequest: [nonEmptyPath, requireScope(app.services, 'write'), acceptsDocumentedMediaTypes],
  };
}

const articlePatchExample = {
  title: 'Falbrook council sets its budget and dims a third of street lights',
  subtitle: 'Council tax rises by 4.9%; lights on the routes to the station and hospital stay on.',
  tags: ['Falbrook', 'council budgets'],
};

function articlePatchRoute(app: RoutesApp) {
  const tagOf = resourceEntityTag<ArticleView>(Article);
  app.patch(
    '/v1/articles/:idOrSlug',
    {
      ...writeOperation(app),
      schema: {
        operationId: 'editArticle',
        summary: 'Edit an article',
        description:
          'A JSON merge patch (RFC 7396) of the article: members sent replace the stored ones, `null` ' +
          'clears one. A new body is derived as on ingest (sanitized HTML, word count, reading time, ' +
          'content hash, and the excerpt unless the patch sets it). A new title gives a new slug; the old ' +
          'one keeps serving the article. Needs a key with the `write` scope; send `If-Match` with the ' +
          'ETag you read to edit only that version. The response carries the new `ETag`.',
        tags: ['Articles'],
        security: bearerSecurity,
        params: idOrSlugParams('falbrook-council-sets-budget-with-cuts-to-street-lighting'),
        headers: ifMatchHeaders('/v1/articles/{idOrSlug}', 'Edit'),
        querystring: z.strictObject({}),
        body: {
          content: { [mergePatchType]: { schema: ArticlePatch.meta({ examples: [articlePatchExample] }) } },
        },
        response: {
          200: jsonResponse('The article as edited.', Article),
          ...writeProblems,
          ...problemResponses(410),
        },
      },
    },
    async (request, reply) => {
      const precondition = ifMatchPrecondition(request.headers['if-match'], tagOf, 'article');
      const article = await app.services.editing.editArticle(
        request.params.idOrSlug,
        request.body as ArticlePatch,
        precondition,
      );
      return reply.header('etag', tagOf(article)).send(article);
    },
  );
}

function authorPatchRoute(app: RoutesApp) {
  const tagOf = resourceEntityTag<AuthorValue>(Author);
  app.patch(
    '/v1/authors/:idOrSlug',
    {
      ...writeOperation(app),
      schema: {
        operationId: 'editAuthor',
        summary: 'Edit an author',
        description:
          'A JSON merge patch of the author’s `name` and `bio`; the slug stays. Articles naming the author ' +
          'show the new name. Needs the `write` scope; `If-Match` as for articles.',
        tags: ['Authors'],
        security: bearerSecurity,
        params: idOrSlugParams('owen-castellan'),
        headers: ifMatchHeaders('/v1/authors/{idOrSlug}', 'Edit'),
        querystring: z.strictObject({}),
        body: {
          content: {
            [mergePatchType]: {
              schema: AuthorPatch.meta({ examples: [{ bio: 'Owen Castellan covers Falbrook council.' }] }),
            },
          },
        },
        response: { 200: jsonResponse('The author as edited.', Author), ...writeProblems },
      },
    },
    async (request, reply) => {
      const precondition = ifMatchPrecondition(request.headers['if-match'], tagOf, 'author');
      const author = await app.services.collectionEditing.editAuthor(
        request.params.idOrSlug,
        request.body as AuthorPatch,
        precondition,
      );
      return reply.header('etag', tagOf(author)).send(author);
    },
  );
}

function tagPatchRoute(app: RoutesApp, tagOf: (tag: TagValue) => string) {
  app.patch(
    '/v1/tags/:idOrSlug',
    {
      ...writeOperation(app),
      schema: {
        operationId: 'editTag',
        summary: 'Edit a tag',
        description:
          'A JSON merge patch of the tag’s `name` and `description`; the slug stays. Articles carrying the ' +
          'tag show the new name. Needs the `write` scope; `If-Match` as for articles.',
        tags: ['Tags'],
        security: bearerSecurity,
        params: idOrSlugParams('transport'),
        headers: ifMatchHeaders('/v1/tags/{idOrSlug}', 'Edit'),
        querystring: z.strictObject({}),
        body: {
          content: {
            [mergePatchType]: {
              schema: TagPatch.meta({ examples: [{ description: 'Roads, rail, buses and ferries.' }] }),
            },
          },
        },
        response: { 200: jsonResponse('The tag as edited.', Tag), ...writeProblems },
      },
    },
    async (request, reply) => {
      const precondition = ifMatchPrecondition(request.headers['if-match'], tagOf, 'tag');
      const tag = await app.services.collectionEditing.editTag(
        request.params.idOrSlug,
        request.body as TagPatch,
        precondition,
      );
      return reply.header('etag', tagOf(tag)).send(tag);
    },
  );
}

function tagMergeRoute(app: RoutesApp, tagOf: (tag: TagValue) => string) {
  app.post(
    '/v1/tags/:idOrSlug/merge',
    {
      ...writeOperation(app),
      schema: {
        operationId: 'mergeTag',
        summary: 'Fold a tag into another',
        description:
          'Every article carrying the tag in the path carries the tag `into` instead (once), the path tag is ' +
          'removed, and its slug then serves the tag it was merged into. Answers with that tag and its new ' +
          '`ETag`; sent again once made, it answers the same. Needs the `write` scope; `If-Match` names ' +
          'the version of the path tag.',
        tags: ['Tags'],
        security: bearerSecurity,
        params: idOrSlugParams('libraries'),
        headers: ifMatchHeaders('/v1/tags/{idOrSlug}', 'Merge'),
        querystring: z.strictObject({}),
        body: {
          content: { 'application/json': { schema: TagMerge.meta({ examples: [{ into: 'easterleigh' }] }) } },
        },
        response: { 200: jsonResponse('The tag that stays, after the merge.', Tag), ...writeProblems },
      },
    },
    async (request, reply) => {
      const precondition = ifMatchPrecondition(request.headers['if-match'], tagOf, 'tag');
      const { into } = request.body as TagMerge;
      const tag = await app.services.collectionEditing.mergeTag(request.params.idOrSlug, into, precondition);
      return reply.header('etag', tagOf(tag)).send(tag);
    },
  );
}

/** Editing articles, authors and tags, and merging tags: JSON merge patches behind the write scope. */
export const editingRoutes = routePlugin('gazette-editing-routes', async (app) => {
  acceptMergePatches(app);
  articlePatchRoute(app);
  authorPatchRoute(app);
  const tagOf = resourceEntityTag<TagValue>(Tag);
  tagPatchRoute(app, tagOf);
  tagMergeRoute(app, tagOf);
});
