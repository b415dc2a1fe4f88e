import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Article } from '../../src/domain/article.js';
import { createParserPool, type ParserPool } from '../../src/services/parser-pool.js';
import { type Engine, freshDatabase } from './database.js';
import { responseValidator } from './openapi-validator.js';

export const testApiKey = 'test-key-with-full-scope-0123456789';

interface Teardown {
  teardown(fn: () => unknown): void;
}

let sharedParser: ParserPool | undefined;

/**
 * One parser pool for every app of a test file: its workers start once, not once per app. Idle
 * workers do not keep the process alive.
 */
export function testParser(): ParserPool {
  sharedParser ??= createParserPool({ timeoutMs: 30_000, memoryMb: 512 });
  return sharedParser;
}

export { testEngine } from './database.js';

const databaseUrls = new WeakMap<FastifyInstance, string>();

/** The DATABASE_URL of an app buildTestApp built, for a test that must reach past the API (see queryOn). */
export function databaseUrlOf(app: FastifyInstance): string {
  const url = databaseUrls.get(app);
  if (url === undefined) throw new Error('not an app of buildTestApp');
  return url;
}

/**
 * A fresh app on its own database (on the test engine unless `engine` says), closed and removed
 * when the test ends. Apps share one parser pool unless the environment sets a PARSE_ variable.
 */
export async function buildTestApp(
  t: Teardown,
  environment: Record<string, string> = {},
  engine?: Engine,
): Promise<FastifyInstance> {
  const database = await freshDatabase(engine);
  const config = loadConfig({ DATABASE_URL: database.url, API_KEYS: testApiKey, ...environment });
  const ownParser = Object.keys(environment).some((name) => name.startsWith('PARSE_'));
  const app = checkedAgainstDocument(
    await buildApp(config, { logger: false, ...(ownParser ? {} : { parser: testParser() }) }).catch(
      async (error: unknown) => {
        await database.remove();
        throw error;
      },
    ),
  );
  databaseUrls.set(
    app,
    config.database.engine === 'sqlite' ? `file:${config.database.path}` : config.database.url,
  );
  t.teardown(async () => {
    await app.close();
    await database.remove();
  });
  return app;
}

/**
 * Makes every `app.inject(…)` response of the test suite conform to openapi/openapi.json: an
 * undocumented status, header, media type or body shape fails the test that caused it.
 */
export function checkedAgainstDocument(app: FastifyInstance): FastifyInstance {
  const inject = app.inject.bind(app);
  const checked = async (options: InjectOptions | string) => {
    const response = await inject(options);
    const request = typeof options === 'string' ? { method: 'GET', url: options } : options;
    const url = typeof request.url === 'string' ? request.url : ((request.path as string | undefined) ?? '/');
    responseValidator().assertConforms(request.method ?? 'GET', url, response);
    return response;
  };
  app.inject = ((options?: InjectOptions | string, callback?: unknown) =>
    options === undefined || callback !== undefined
      ? (inject as (...args: unknown[]) => unknown)(options, callback)
      : checked(options)) as typeof app.inject;
  return app;
}

export const auth = { authorization: `Bearer ${testApiKey}` };

/** Ingests a plain-text article with the full-scope key; anything but a stored article fails the test. */
export async function ingestText(app: FastifyInstance, raw: string): Promise<Article> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: raw,
  });
  if (response.statusCode >= 300) throw new Error(`ingest answered ${response.statusCode}: ${response.body}`);
  return response.json().article as Article;
}

let counter = 0;

/** A plain-text article with a distinct title and body, in the shape scrapers send. */
export function plainArticle(
  options: { title?: string; author?: string; date?: string; tags?: string[] } = {},
): string {
  counter++;
  const title = options.title ?? `Council approves budget for district ${counter} libraries`;
  const lines = [title, ''];
  if (options.author) lines.push(`By ${options.author}`, '');
  if (options.date) lines.push(options.date, '');
  lines.push(
    `The council of district ${counter} approved a new budget for its public libraries on Tuesday evening, after a long debate about opening hours.`,
    '',
    `Librarians in district ${counter} said the money would pay for longer weekend hours and a new reading room for children from next spring.`,
    '',
    `Residents who spoke at the meeting asked for more books in the languages spoken in district ${counter}, and the council agreed to review the catalogue.`,
  );
  if (options.tags) lines.push('', `Tags: ${options.tags.join(', ')}`);
  return lines.join('\n');
}
