import createClient from 'openapi-fetch';
import type { paths } from '../generated/openapi-typescript/schema.js';
import { apiKey, baseUrl, check, done, htmlArticle, plainArticle, seed, snakeCaseKeys } from './support.js';

// openapi-fetch sends every body as JSON, so raw text and HTML go in the JSON ingest object's `raw`.
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

// List, following the cursor to the end.
const slugs: string[] = [];
let cursor: string | undefined;
let total: number | undefined;
do {
  const { data } = await api.GET('/v1/articles', {
    params: { query: { limit: 3, include_total: true, ...(cursor ? { cursor } : {}) } },
  });
  check(data, 'list articles');
  total ??= data.page.total;
  for (const item of data.data) if (item.slug) slugs.push(item.slug);
  cursor = data.page.next_cursor ?? undefined;
} while (cursor);
check(
  slugs.length === total && slugs.length >= seed.articleCount,
  'the cursor walk sees every article',
  slugs.length,
);

// One article by slug, then the same again with its ETag.
const article = await api.GET('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: seed.slug } } });
check(article.data?.slug === seed.slug, 'get by slug', article.data?.slug);
check(
  article.data.authors?.some((author) => author.slug === seed.author),
  'the seed author',
);
const etag = article.response.headers.get('etag');
check(etag, 'an ETag');
const again = await api.GET('/v1/articles/{idOrSlug}', {
  params: { path: { idOrSlug: seed.slug }, header: { 'If-None-Match': etag } },
});
check(again.response.status === 304, 'If-None-Match → 304', again.response.status);

// Search with snippets and facets.
const found = await api.GET('/v1/articles', { params: { query: { q: seed.search, facets: 'tag,month' } } });
check(found.data, 'search');
check(found.data.data[0]?.snippet?.includes('<mark>'), 'a highlighted snippet');
check(
  found.data.facets?.tag?.some((facet) => facet.value === seed.tag),
  'tag facets',
  found.data.facets,
);

// Sparse fields: only what was asked for, still JSON.
const sparse = await api.GET('/v1/articles', { params: { query: { fields: 'id,title', limit: 2 } } });
check(sparse.response.headers.get('content-type')?.startsWith('application/json'), 'sparse JSON');
check(
  sparse.data?.data.every((item) => item.title && item.slug === undefined),
  'only id and title',
);

// A typed 404 problem.
const missing = await api.GET('/v1/articles/{idOrSlug}', {
  params: { path: { idOrSlug: 'no-such-article' } },
});
check(missing.error?.status === 404 && missing.error.title === 'Not Found', 'a 404 problem', missing.error);

// Ingest: a JSON object (no content_type: it defaults), raw text and HTML through `raw`, a dry run.
const json = await api.POST('/v1/ingest', { body: { raw: plainArticle('harbour'), tags: ['Harbour'] } });
check(json.response.status === 201 && json.data?.ingest.status === 'created', 'ingest JSON', json.error);
check(snakeCaseKeys(json.data.ingest.fields), 'snake_case field names', json.data.ingest.fields);
const text = await api.POST('/v1/ingest', {
  body: { raw: plainArticle('ferry'), content_type: 'text/plain' },
});
check(
  text.data?.article.title.startsWith('The openapi-fetch ferry'),
  'ingest raw text',
  text.data?.article.title,
);
const html = await api.POST('/v1/ingest', {
  body: { raw: htmlArticle('reading'), content_type: 'text/html' },
});
check(html.data?.article.title.includes('reading garden'), 'ingest HTML', html.data?.article.title);
const dryRun = await api.POST('/v1/ingest', {
  params: { query: { dry_run: true } },
  body: { raw: plainArticle('pilots') },
});
check(dryRun.response.status === 200 && dryRun.data?.ingest.status === 'dry_run', 'a dry run', dryRun.data);

// A batch, as JSON.
const batch = await api.POST('/v1/ingest/batch.json', {
  body: { items: [{ raw: plainArticle('tug') }, { raw: plainArticle('quay') }] },
});
check(batch.data?.results.map((result) => result.status).join() === 'created,created', 'a batch', batch.data);
done();
