import { z } from 'zod';
import { ArticleSort, type ArticleView, FacetName } from '../domain/article.js';
import { bearerSecurity, requireScope } from './auth.js';
import { ifMatchHeaders, ifMatchPrecondition, resourceEntityTag } from './conditional-writes.js';
import { sendPage } from './links.js';
import {
  cursorParam,
  idOrSlugParams,
  includeTotalParam,
  jsonResponse,
  limitParam,
  problemResponses,
  repeatableParam,
} from './params.js';
import { type RoutesApp, routePlugin } from './route-plugin.js';
import { Article, ArticleFields, ArticleFieldsPage, ArticlePage } from './schemas.js';
import { documentedAs } from './serializer.js';
import { fieldsParam, pickFields, sendSparse } from './sparse-fields.js';

const articleFields = Object.keys(Article.shape);
const listItemFields = [...articleFields, 'snippet'];

const listQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam('WyIyMDI2LTA0LTAyVDE1OjAwOjAwLjAwMFoiLDFd'),
  q: z
    .string()
    .max(500)
    .optional()
    .meta({
      description:
        'Full-text search over title, subtitle, body, author and tag names. Words must all match; ' +
        '"quoted phrases", prefix* (at least three letters, at most four prefixes), OR and NOT work. ' +
        'Each item then carries a highlighted `snippet`. A search ranks its newest 2,000 matches.',
      examples: ['hybrid ferries', '"port authority" OR crane*'],
    }),
  sort: ArticleSort.optional().meta({
    description:
      'Newest first (the default without `q`), oldest first, or `relevance` (the default with `q`). ' +
      'Articles without a date sort last when newest first.',
    examples: ['-published_at'],
  }),
  fields: fieldsParam(
    listItemFields,
    'Only these fields; `body_text`/`body_html` must be asked for.',
    'id,title,published_at',
  ),
  facets: repeatableParam('Counts over the whole result: any of `tag`, `author`, `month`.', 'tag,month').pipe(
    z.array(FacetName).optional(),
  ),
  tag: repeatableParam('Tag slugs; an article matches when it has any of them.', 'ferries,port-alder'),
  author: repeatableParam('Author slugs; an article matches when any of them wrote it.', 'ines-brackley'),
  language: z
    .string()
    .max(2)
    .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as en')
    .optional()
    .meta({ description: 'ISO 639-1 language code.', examples: ['en'] }),
  published_after: z.iso
    .datetime({ offset: true })
    .max(40)
    .or(z.iso.date().max(10))
    .optional()
    .meta({
      description: 'Inclusive lower bound on published_at (ISO 8601 date or date-time).',
      examples: ['2026-01-01'],
    }),
  published_before: z.iso
    .datetime({ offset: true })
    .max(40)
    .or(z.iso.date().max(10))
    .optional()
    .meta({
      description: 'Exclusive upper bound on published_at (ISO 8601 date or date-time).',
      examples: ['2026-04-01T00:00:00Z'],
    }),
  include_total: includeTotalParam,
});

/** Stored timestamps are UTC ISO strings, so a bound must be one too before it is compared as text. */
const toUtcIso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

/** What the catalog is asked for by a list query. */
function listOptionsOf(query: z.output<typeof listQuery>) {
  return {
    limit: query.limit,
    cursor: query.cursor,
    q: query.q,
    sort: query.sort,
    withBodies: query.fields?.some((field) => field === 'body_text' || field === 'body_html') ?? false,
    facets: query.facets,
    tags: query.tag,
    authors: query.author,
    language: query.language,
    publishedAfter: toUtcIso(query.published_after),
    publishedBefore: toUtcIso(query.published_before),
    includeTotal: query.include_total,
  };
}

export const articleRoutes = routePlugin('gazette-article-routes', async (app) => {
  articleListRoute(app);
  articleRoute(app);
  articleDeleteRoute(app);
});

function articleListRoute(app: RoutesApp) {
  app.get(
    '/v1/articles',
    {
      config: { responseCache: true },
      schema: {
        operationId: 'listArticles',
        summary: 'List articles',
        description: 'Newest first, a page at a time; follow `page.next_cursor` or the `Link` header.',
        tags: ['Articles'],
        querystring: listQuery,
        response: {
          200: jsonResponse(
            'A page of articles; with `fields`, each item has only the fields asked for.',
            documentedAs(ArticlePage, z.union([ArticlePage, ArticleFieldsPage])),
          ),
          ...problemResponses(400, 503),
        },
      },
    },
    async (request, reply) => {
      const { fields } = request.query;
      const page = await app.services.catalog.listArticles(listOptionsOf(request.query));
      if (fields) {
        return sendSparse(
          reply,
          sendPage(request, reply, { ...page, data: page.data.map((item) => pickFields(item, fields)) }),
        );
      }
      return sendPage(request, reply, page);
    },
  );
}

function articleRoute(app: RoutesApp) {
  app.get(
    '/v1/articles/:idOrSlug',
    {
      config: { responseCache: true },
      schema: {
        operationId: 'getArticle',
        summary: 'Get one article',
        description:
          'By numeric id or slug, with its authors, tags and its body once, as sanitized HTML ' +
          '(`body_html`). The plain-text body (`body_text`) is sent only when `fields` names it, e.g. ' +
          '`fields=id,title,body_text`.',
        tags: ['Articles'],
        params: idOrSlugParams('ferry-company-orders-two-hybrid-vessels-for-the-island-routes'),
        querystring: z.strictObject({
          fields: fieldsParam(
            articleFields,
            'Only these fields; `body_text` is sent only when named here.',
            'id,title,body_text',
          ),
        }),
        response: {
          200: jsonResponse(
            'The article; with `fields`, only the fields asked for.',
            documentedAs(Article, z.union([Article, ArticleFields])),
          ),
          ...problemResponses(400, 404, 410, 414),
        },
      },
    },
    async (request, reply) => {
      const { fields } = request.query;
      const article = await app.services.catalog.getArticle(request.params.idOrSlug, {
        withText: fields?.includes('body_text') ?? false,
      });
      return fields ? sendSparse(reply, pickFields(article, fields)) : article;
    },
  );
}

function articleDeleteRoute(app: RoutesApp) {
  const tagOf = resourceEntityTag<ArticleView>(Article);
  app.delete(
    '/v1/articles/:idOrSlug',
    {
      onRequest: requireScope(app.services, 'write'),
      schema: {
        operationId: 'deleteArticle',
        summary: 'Delete an article',
        description:
          'Removes the article from lists, search, facets, feeds, related results and author and tag ' +
          'counts. Its id and slugs (those it had before title edits too) then answer 410 Gone (a new ' +
          'article may take a slug later). Needs ' +
          'a key with the `write` scope. Send `If-Match` with the ETag you read to delete only that version.',
        tags: ['Articles'],
        security: bearerSecurity,
        params: idOrSlugParams('glenhollows-old-packhorse-bridge-reopens-after-flood-repairs'),
        headers: ifMatchHeaders('/v1/articles/{idOrSlug}', 'Delete'),
        querystring: z.strictObject({}),
        response: {
          204: z.undefined().describe('Deleted; there is no body.'),
          ...problemResponses(400, 401, 403, 404, 410, 412, 413, 415, 503, 507),
        },
      },
    },
    async (request, reply) => {
      const precondition = ifMatchPrecondition(request.headers['if-match'], tagOf, 'article');
      await app.services.deletion.deleteArticle(request.params.idOrSlug, precondition);
      return reply.code(204).send();
    },
  );
}
