import { client as api } from '../generated/hey-api/client.gen.js';
import {
  getArticle,
  ingestArticle,
  ingestBatchJson,
  ingestHtml,
  ingestText,
  listArticles,
} from '../generated/hey-api/sdk.gen.js';
import { apiKey, baseUrl, check, done, htmlArticle, plainArticle, seed, snakeCaseKeys } from './support.js';

// The generated client sends `Authorization: Bearer <auth>` on the operations that declare bearerAuth.
api.setConfig({ baseUrl, auth: apiKey });

// List, following the cursor to the end.
const slugs: string[] = [];
let cursor: string | undefined;
let total: number | undefined;
do {
  const { data } = await listArticles({
    query: { limit: 3, include_total: true, ...(cursor ? { cursor } : {}) },
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
const article = await getArticle({ path: { idOrSlug: seed.slug } });
check(article.data?.slug === seed.slug, 'get by slug', article.data?.slug);
check(
  article.data.authors?.some((author) => author.slug === seed.author),
  'the seed author',
);
const etag = article.response?.headers.get('etag');
check(etag, 'an ETag');
const again = await getArticle({ path: { idOrSlug: seed.slug }, headers: { 'If-None-Match': etag } });
check(again.response?.status === 304, 'If-None-Match → 304', again.response?.status);

// Search with snippets and facets.
const found = await listArticles({ query: { q: seed.search, facets: 'tag,month' } });
check(found.data, 'search');
check(found.data.data[0]?.snippet?.includes('<mark>'), 'a highlighted snippet');
check(
  found.data.facets?.tag?.some((facet) => facet.value === seed.tag),
  'tag facets',
  found.data.facets,
);

// Sparse fields: only what was asked for, still JSON.
const sparse = await listArticles({ query: { fields: 'id,title', limit: 2 } });
check(sparse.response?.headers.get('content-type')?.startsWith('application/json'), 'sparse JSON');
check(
  sparse.data?.data.every((item) => item.title && item.slug === undefined),
  'only id and title',
);

// A typed 404 problem.
const missing = await getArticle({ path: { idOrSlug: 'no-such-article' } });
check(missing.error?.status === 404 && missing.error.title === 'Not Found', 'a 404 problem', missing.error);

// Ingest: a JSON object (no content_type: it defaults), raw text, raw HTML, a dry run.
const json = await ingestArticle({ body: { raw: plainArticle('harbour'), tags: ['Harbour'] } });
check(json.response?.status === 201 && json.data?.ingest.status === 'created', 'ingest JSON', json.error);
check(snakeCaseKeys(json.data.ingest.fields), 'snake_case field names', json.data.ingest.fields);
const text = await ingestText({
  body: plainArticle('ferry'),
  query: { source_url: 'https://news.example.com/hey-api/ferry' },
});
check(text.data, 'ingest raw text', text.error);
check(
  text.data.article.title.startsWith('The hey-api ferry'),
  'a title without quotes',
  text.data.article.title,
);
check(text.data.article.source_url === 'https://news.example.com/hey-api/ferry', 'source_url from the query');
const html = await ingestHtml({ body: htmlArticle('reading') });
check(html.data?.article.title.includes('reading garden'), 'ingest HTML', html.data?.article.title);
const dryRun = await ingestText({ body: plainArticle('pilots'), query: { dry_run: true } });
check(dryRun.response?.status === 200 && dryRun.data?.ingest.status === 'dry_run', 'a dry run', dryRun.data);

// A batch, as JSON.
const batch = await ingestBatchJson({
  body: { items: [{ raw: plainArticle('tug') }, { raw: plainArticle('quay') }] },
});
check(batch.data?.results.map((result) => result.status).join() === 'created,created', 'a batch', batch.data);
done();
