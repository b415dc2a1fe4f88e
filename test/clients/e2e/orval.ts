import {
  getArticle,
  ingestArticleWithJson,
  ingestBatchJson,
  ingestHtml,
  ingestText,
  listArticles,
} from '../generated/orval/gazette.js';
import { apiKey, check, done, htmlArticle, plainArticle, seed, snakeCaseKeys } from './support.js';

// The base URL is set at generation (orval.config.mjs); the key goes with each call that needs it.
const withKey = { headers: { Authorization: `Bearer ${apiKey}` } };

// List, following the cursor to the end.
const slugs: string[] = [];
let cursor: string | undefined;
let total: number | undefined;
do {
  const page = await listArticles({ limit: 3, include_total: true, ...(cursor ? { cursor } : {}) });
  check(page.status === 200, 'list articles', page.status);
  total ??= page.data.page.total;
  for (const item of page.data.data) if (item.slug) slugs.push(item.slug);
  cursor = page.data.page.next_cursor ?? undefined;
} while (cursor);
check(
  slugs.length === total && slugs.length >= seed.articleCount,
  'the cursor walk sees every article',
  slugs.length,
);

// One article by slug, then the same again with its ETag.
const article = await getArticle(seed.slug);
check(article.status === 200 && article.data.slug === seed.slug, 'get by slug', article.status);
check(
  article.data.authors?.some((author) => author.slug === seed.author),
  'the seed author',
);
const etag = article.headers.get('etag');
check(etag, 'an ETag');
const again = await getArticle(seed.slug, undefined, { 'If-None-Match': etag });
check(again.status === 304, 'If-None-Match → 304', again.status);

// Search with snippets and facets.
const found = await listArticles({ q: seed.search, facets: 'tag,month' });
check(found.status === 200 && found.data.data[0]?.snippet?.includes('<mark>'), 'a highlighted snippet');
check(
  found.data.facets?.tag?.some((facet) => facet.value === seed.tag),
  'tag facets',
  found.data.facets,
);

// Sparse fields: only what was asked for, still JSON.
const sparse = await listArticles({ fields: 'id,title', limit: 2 });
check(sparse.headers.get('content-type')?.startsWith('application/json'), 'sparse JSON');
check(
  sparse.status === 200 && sparse.data.data.every((item) => item.title && item.slug === undefined),
  'only id and title',
);

// A typed 404 problem.
const missing = await getArticle('no-such-article');
check(missing.status === 404 && missing.data.title === 'Not Found', 'a 404 problem', missing.data);

// Ingest: a JSON object (no content_type: it defaults), raw text, raw HTML, a dry run.
const json = await ingestArticleWithJson(
  { raw: plainArticle('harbour'), tags: ['Harbour'] },
  undefined,
  undefined,
  withKey,
);
check(json.status === 201 && json.data.ingest.status === 'created', 'ingest JSON', json.data);
check(snakeCaseKeys(json.data.ingest.fields), 'snake_case field names', json.data.ingest.fields);
const text = await ingestText(
  plainArticle('ferry'),
  { source_url: 'https://news.example.com/orval/ferry' },
  undefined,
  withKey,
);
check(
  text.status === 201 && text.data.article.title.startsWith('The orval ferry'),
  'ingest raw text',
  text.data,
);
const html = await ingestHtml(htmlArticle('reading'), undefined, undefined, withKey);
check(html.status === 201 && html.data.article.title.includes('reading garden'), 'ingest HTML', html.data);
const dryRun = await ingestText(plainArticle('pilots'), { dry_run: true }, undefined, withKey);
check(dryRun.status === 200 && dryRun.data.ingest.status === 'dry_run', 'a dry run', dryRun.data);

// A batch, as JSON.
const batch = await ingestBatchJson(
  { items: [{ raw: plainArticle('tug') }, { raw: plainArticle('quay') }] },
  withKey,
);
check(
  batch.status === 200 && batch.data.results.map((result) => result.status).join() === 'created,created',
  'a batch',
  batch.data,
);
done();
