import { z } from 'zod';
import * as article from '../domain/article.js';
import * as changes from '../domain/changes.js';
import * as collections from '../domain/collections.js';
import * as page from '../domain/page.js';

/**
 * The component schemas of the OpenAPI document, built from the domain's schemas. Each has an `id`,
 * so @fastify/swagger emits it once under components.schemas and every operation refers to it;
 * client generators get one named type.
 */

/**
 * Names a domain schema as a component. The schema itself is registered, not a copy, so every
 * schema nesting it (an article's images, its authors) refers to the component too.
 */
export function component<T extends z.ZodType>(schema: T, meta: z.GlobalMeta & { id: string }): T {
  z.globalRegistry.add(schema, meta);
  return schema;
}

export const Problem = z
  .object({
    type: z
      .string()
      .describe('A URL identifying the kind of problem; it resolves to a page that explains it.'),
    title: z.string().describe('Short summary of the problem kind.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong with this request, and how to fix it.'),
    instance: z.string().optional().describe('The request path the problem occurred on.'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('For validation problems: one entry per invalid input, e.g. `query.limit`.'),
    etag: z
      .string()
      .optional()
      .describe('For 412 Precondition Failed: the current `ETag` of the resource, also sent as a header.'),
  })
  .meta({
    id: 'Problem',
    description: 'An RFC 9457 problem detail, served as application/problem+json.',
    examples: [
      {
        type: 'http://127.0.0.1:3000/problems/bad-request',
        title: 'Bad Request',
        status: 400,
        detail: 'Invalid query: limit must be between 1 and 100.',
        instance: '/v1/articles',
        errors: [{ path: 'query.limit', message: 'Too big: expected number to be <=100' }],
      },
    ],
  });

component(article.AuthorSummary, {
  id: 'AuthorSummary',
  examples: [{ id: 3, slug: 'ines-brackley', name: 'Ines Brackley' }],
});
component(article.TagSummary, {
  id: 'TagSummary',
  examples: [{ id: 7, slug: 'transport', name: 'transport', derived: false }],
});
component(article.Image, {
  id: 'Image',
  examples: [{ caption: 'A ferry leaves the north terminal', credit: null, date: '2026-03-14' }],
});

const articleSummaryExample = {
  id: 5,
  slug: 'ferry-company-orders-two-hybrid-vessels-for-the-island-routes',
  title: 'Ferry company orders two hybrid vessels for the island routes',
  subtitle: null,
  excerpt: 'The island ferry company has ordered two hybrid-electric ferries for its routes…',
  images: [{ caption: 'A ferry leaves the north terminal', credit: null, date: '2026-03-14' }],
  authors: [{ id: 3, slug: 'ines-brackley', name: 'Ines Brackley' }],
  tags: [{ id: 7, slug: 'transport', name: 'transport', derived: false }],
  language: 'en',
  word_count: 642,
  reading_time_minutes: 3,
  published_at: '2026-03-14T10:00:00.000Z',
  source_url: 'https://news.example.com/2026/03/14/ferries',
  content_hash: '9f2c4e…',
  created_at: '2026-03-14T10:02:11.512Z',
  updated_at: '2026-03-14T10:02:11.512Z',
};

component(article.ArticleSummary, {
  id: 'ArticleSummary',
  description: 'An article without its body.',
  examples: [articleSummaryExample],
});

export const articleExample = {
  ...articleSummaryExample,
  body_html: '<p>The council approved the purchase…</p>\n<p>The first ferry enters service in 2027.</p>',
};

export const Article = article.ArticleView.extend({
  body_text: article.ArticleView.shape.body_text.describe(
    'Paragraphs separated by a blank line. Only when asked for in `fields` (and in ingest results).',
  ),
  body_html: article.ArticleView.shape.body_html.describe(
    'Sanitized HTML generated from the parsed structure.',
  ),
}).meta({
  id: 'Article',
  description:
    'An article with its body once, as `body_html`; `body_text` is sent only when `fields` asks for it.',
  examples: [articleExample],
});

const authorExample = {
  id: 3,
  slug: 'ines-brackley',
  name: 'Ines Brackley',
  bio: 'Ines Brackley is the transport and trade correspondent.',
  article_count: 4,
};
const tagExample = { id: 7, slug: 'transport', name: 'transport', description: null, article_count: 4 };
const pageInfoExample = { next_cursor: 'WyIyMDI2LTA0LTAyVDE1OjAwOjAwLjAwMFoiLDFd', limit: 20 };

export const Author = component(collections.Author, { id: 'Author', examples: [authorExample] });
export const Tag = component(collections.Tag, { id: 'Tag', examples: [tagExample] });
const PageInfo = component(page.PageInfo, { id: 'PageInfo', examples: [pageInfoExample] });

function pageOf<T extends z.ZodType>(item: T, id: string, example: unknown) {
  return z
    .object({ data: z.array(item), page: PageInfo })
    .meta({ id, examples: [{ data: [example], page: pageInfoExample }] });
}

const fieldsOnly = 'Only when asked for in `fields`.';
const ArticleListItem = article.ArticleListItem.extend({
  body_text: article.ArticleListItem.shape.body_text.describe(fieldsOnly),
  body_html: article.ArticleListItem.shape.body_html.describe(fieldsOnly),
  snippet: article.ArticleListItem.shape.snippet.describe(
    'With `q`: about 24 words around the best match, HTML-escaped, matches in <mark>.',
  ),
}).meta({
  id: 'ArticleListItem',
  description: 'An article in a list: its summary; the body only when `fields` asks for it.',
  examples: [
    {
      ...articleSummaryExample,
      snippet: 'The council approved six battery <mark>ferries</mark> on Tuesday…',
    },
  ],
});

const FacetCount = component(article.FacetCount, {
  id: 'FacetCount',
  examples: [{ value: 'transport', name: 'transport', count: 4 }],
});

export const ArticlePage = z
  .object({
    data: z.array(ArticleListItem),
    page: PageInfo,
    facets: z
      .object({
        tag: z.array(FacetCount).optional(),
        author: z.array(FacetCount).optional(),
        month: z.array(FacetCount).optional(),
      })
      .optional()
      .describe(
        'With `facets`: counts over every matching article, not just this page (for a search, over ' +
          'its newest 2,000 matches; see `page.estimated`).',
      ),
  })
  .meta({
    id: 'ArticlePage',
    examples: [
      {
        data: [
          {
            ...articleSummaryExample,
            snippet: 'The council approved six battery <mark>ferries</mark> on Tuesday…',
          },
        ],
        page: pageInfoExample,
        facets: { month: [{ value: '2026-03', name: '2026-03', count: 1 }] },
      },
    ],
  });
export const AuthorPage = pageOf(Author, 'AuthorPage', authorExample);
export const TagPage = pageOf(Tag, 'TagPage', tagExample);

export const ArticleFields = Article.partial().meta({
  id: 'ArticleFields',
  description: 'An article with only the fields named in `fields`.',
  examples: [{ id: 5, title: articleSummaryExample.title, body_html: articleExample.body_html }],
});

export const ArticleFieldsPage = z
  .object({
    data: z.array(
      ArticleListItem.partial().meta({
        id: 'ArticleListItemFields',
        examples: [{ id: 5, title: articleSummaryExample.title }],
      }),
    ),
    page: PageInfo,
    facets: ArticlePage.shape.facets,
  })
  .meta({
    id: 'ArticleFieldsPage',
    description: 'A page of articles with only the fields named in `fields`.',
    examples: [
      {
        data: [
          { id: 5, title: articleSummaryExample.title, published_at: articleSummaryExample.published_at },
        ],
        page: pageInfoExample,
      },
    ],
  });

const deletionExample = {
  id: 5,
  slug: articleSummaryExample.slug,
  deleted_at: '2026-03-20T09:15:00.000Z',
};
component(article.Article, {
  id: 'ArticleSnapshot',
  description: 'An article as a change left it, with both bodies.',
  examples: [{ ...articleExample, body_text: 'The council approved the purchase…' }],
});
component(changes.AuthorSnapshot, {
  id: 'AuthorSnapshot',
  description: 'An author without the article count, which a consumer derives from the articles.',
  examples: [{ id: 3, slug: authorExample.slug, name: authorExample.name, bio: authorExample.bio }],
});
component(changes.TagSnapshot, {
  id: 'TagSnapshot',
  description: 'A tag without the article count, which a consumer derives from the articles.',
  examples: [{ id: 7, slug: 'transport', name: 'transport', description: null }],
});
component(changes.DeletionSnapshot, { id: 'DeletionSnapshot', examples: [deletionExample] });

const changeEventExample = {
  id: 42,
  type: 'article.deleted',
  resource_id: 5,
  occurred_at: deletionExample.deleted_at,
  data: deletionExample,
};
const ChangeEvent = component(changes.ChangeEvent, {
  id: 'ChangeEvent',
  description:
    'One change. `created` and `updated` carry the whole resource (apply both as an upsert); ' +
    '`deleted` carries its id and slug. Only the latest event of each resource is served.',
  examples: [changeEventExample],
});

export const ChangePage = z
  .object({
    data: z
      .array(ChangeEvent)
      .describe('Events in feed order; empty when nothing happened since the cursor.'),
    page: z.object({
      next_cursor: z
        .string()
        .describe('Where this page ends: pass as `cursor` to continue, also after an empty page.'),
      limit: z.number().int(),
    }),
  })
  .meta({
    id: 'ChangePage',
    examples: [{ data: [changeEventExample], page: { next_cursor: 'WzQyXQ', limit: 20 } }],
  });
