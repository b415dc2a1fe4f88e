import { z } from 'zod';

/**
 * The component schemas of the OpenAPI document. Each has an `id`, so @fastify/swagger emits it once
 * under components.schemas and every operation refers to it; client generators get one named type.
 */

const timestamp = z.iso.datetime();

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

const AuthorSummary = z
  .object({ id: z.number().int(), slug: z.string(), name: z.string() })
  .meta({ id: 'AuthorSummary', examples: [{ id: 3, slug: 'ines-brackley', name: 'Ines Brackley' }] });

const TagSummary = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    derived: z
      .boolean()
      .describe('True when Gazette derived the tag from the text rather than the source naming it.'),
  })
  .meta({ id: 'TagSummary', examples: [{ id: 7, slug: 'transport', name: 'transport', derived: false }] });

const Image = z
  .object({
    caption: z.string(),
    credit: z.string().nullable(),
    date: z.iso.date().nullable().describe('The date the caption carried, when it was unambiguous.'),
  })
  .meta({
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

const articleSummaryShape = {
  id: z.number().int(),
  slug: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  excerpt: z.string(),
  images: z.array(Image),
  authors: z.array(AuthorSummary).describe('In byline order.'),
  tags: z.array(TagSummary).describe('Tags the source named first, then derived ones.'),
  language: z.string().nullable().describe('ISO 639-1 code, when detected.'),
  word_count: z.number().int(),
  reading_time_minutes: z.number().int(),
  published_at: timestamp.nullable().describe('Null when the source does not say; Gazette never guesses.'),
  source_url: z.string().nullable(),
  content_hash: z.string().describe('sha256 of the normalised title and body.'),
  created_at: timestamp,
  updated_at: timestamp,
};

export const ArticleSummary = z.object(articleSummaryShape).meta({
  id: 'ArticleSummary',
  description: 'An article without its body.',
  examples: [articleSummaryExample],
});

export const articleExample = {
  ...articleSummaryExample,
  body_html: '<p>The council approved the purchase…</p>\n<p>The first ferry enters service in 2027.</p>',
};

export const Article = z
  .object({
    ...articleSummaryShape,
    body_text: z
      .string()
      .optional()
      .describe(
        'Paragraphs separated by a blank line. Only when asked for in `fields` (and in ingest results).',
      ),
    body_html: z.string().describe('Sanitized HTML generated from the parsed structure.'),
  })
  .meta({
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
const tagExample = { id: 7, slug: 'transport', name: 'transport', article_count: 4 };
const pageInfoExample = { next_cursor: 'WyIyMDI2LTA0LTAyVDE1OjAwOjAwLjAwMFoiLDFd', limit: 20 };

export const Author = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    bio: z.string().nullable(),
    article_count: z.number().int(),
  })
  .meta({ id: 'Author', examples: [authorExample] });

export const Tag = z
  .object({ id: z.number().int(), slug: z.string(), name: z.string(), article_count: z.number().int() })
  .meta({ id: 'Tag', examples: [tagExample] });

const PageInfo = z
  .object({
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
    limit: z.number().int(),
    total: z.number().int().optional().describe('Present when `include_total=true`.'),
    estimated: z
      .boolean()
      .optional()
      .describe(
        'True when a search matched more than 2,000 articles: `total` is then extrapolated from the ' +
          'newest 2,000 matches, and `facets` count those 2,000.',
      ),
  })
  .meta({ id: 'PageInfo', examples: [pageInfoExample] });

function pageOf<T extends z.ZodType>(item: T, id: string, example: unknown) {
  return z
    .object({ data: z.array(item), page: PageInfo })
    .meta({ id, examples: [{ data: [example], page: pageInfoExample }] });
}

const ArticleListItem = z
  .object({
    ...articleSummaryShape,
    body_text: z.string().optional().describe('Only when asked for in `fields`.'),
    body_html: z.string().optional().describe('Only when asked for in `fields`.'),
    snippet: z
      .string()
      .optional()
      .describe('With `q`: about 24 words around the best match, HTML-escaped, matches in <mark>.'),
  })
  .meta({
    id: 'ArticleListItem',
    description: 'An article in a list: its summary; the body only when `fields` asks for it.',
    examples: [
      {
        ...articleSummaryExample,
        snippet: 'The council approved six battery <mark>ferries</mark> on Tuesday…',
      },
    ],
  });

const FacetCount = z
  .object({
    value: z.string().describe('The slug, or the month as YYYY-MM; usable as a filter value.'),
    name: z.string(),
    count: z.number().int(),
  })
  .meta({ id: 'FacetCount', examples: [{ value: 'transport', name: 'transport', count: 4 }] });

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
