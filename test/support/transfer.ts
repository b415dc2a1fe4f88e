import type { FastifyInstance } from 'fastify';
import { seed } from '../../src/services/seed.js';
import { auth, plainArticle } from './app.js';

export async function post(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  contentType = 'application/json',
) {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { ...auth, 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function patch(app: FastifyInstance, url: string, body: unknown) {
  const response = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify(body),
  });
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
}

/** Seeds, ingests, a duplicate, edits of an article, an author and a tag, a merge and a delete. */
export async function populate(app: FastifyInstance) {
  await seed(app.services.ingest);
  const ingested = [];
  for (const [author, tags] of [
    ['Noor Haddad', ['Harbour works', 'Ferries']],
    ['Ines Okafor', ['Ferry', 'Budgets']],
    ['Lone Writer', ['Only here']],
  ] as const) {
    const raw = plainArticle({ author, tags: [...tags], date: '2026-03-04' });
    ingested.push((await post(app, '/v1/ingest', raw, 'text/plain')).article);
    if (author === 'Noor Haddad') await post(app, '/v1/ingest', raw, 'text/plain');
  }
  const [edited, , deleted] = ingested;
  await patch(app, `/v1/articles/${edited.id}`, { title: 'Harbour works begin at dawn' });
  await patch(app, '/v1/authors/noor-haddad', { bio: 'Covers the port.' });
  // Noor Haddad and the tag Ferries keep no article of their own: they export as lines of their own.
  await patch(app, `/v1/articles/${edited.id}`, { authors: ['Ines Okafor'], tags: ['Harbour works'] });
  await patch(app, '/v1/tags/budgets', { description: 'Public money.', name: 'Budget' });
  await post(app, '/v1/tags/ferry/merge', { into: 'ferries' });
  // Retitled first, so the deleted article leaves an old slug that must answer 410 as well.
  await patch(app, `/v1/articles/${deleted.id}`, { title: 'A lone report retitled before it went' });
  const removed = await app.inject({ method: 'DELETE', url: `/v1/articles/${deleted.id}`, headers: auth });
  if (removed.statusCode !== 204) throw new Error(`delete: ${removed.statusCode} ${removed.body}`);
  return { edited, deleted };
}

export async function exportOf(app: FastifyInstance): Promise<string> {
  let text = '';
  await app.services.transfer.exportTo(async (chunk) => {
    text += chunk;
  });
  return text;
}

export async function* linesOf(text: string) {
  yield* text.split('\n');
}

/** Every GET a client could make of the data, with status, ETag and body. */
export async function served(app: FastifyInstance, urls: string[]) {
  const answers: Record<string, unknown> = {};
  for (const url of urls) {
    const response = await app.inject({ url, headers: auth });
    answers[url] = { status: response.statusCode, etag: response.headers.etag, body: response.body };
  }
  return answers;
}

export async function urlsToCompare(app: FastifyInstance, extra: string[]): Promise<string[]> {
  const list = (await app.inject('/v1/articles?limit=100')).json();
  const authors = (await app.inject('/v1/authors?limit=100')).json();
  const tags = (await app.inject('/v1/tags?limit=100')).json();
  const urls = ['/v1/articles?limit=100', '/v1/authors?limit=100', '/v1/tags?limit=100', ...extra];
  for (const article of list.data) {
    urls.push(`/v1/articles/${article.id}`, `/v1/articles/${article.slug}?fields=id,body_text,images,tags`);
  }
  for (const author of authors.data) urls.push(`/v1/authors/${author.slug}`);
  for (const tag of tags.data) urls.push(`/v1/tags/${tag.id}`, `/v1/tags/${tag.slug}`);
  return urls;
}
