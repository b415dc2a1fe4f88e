import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type ArticleSummaryRow, toArticleSummary } from '../src/db/sqlite/article-summary.js';
import { bareSql } from './bare-sql.js';

/**
 * For the search load run: Gazette on an existing database, twice (as configured by default, and
 * with its response cache off, so that every query is searched) and, on another port, the bare
 * baseline (plain Fastify + better-sqlite3 serving one article). A child process, so the load
 * generator does not share their event loop. Prints the addresses as one JSON line.
 */
const databasePath = process.argv[2]!;
const startGazette = (environment: Record<string, string>) =>
  buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'silent', ...environment }), {
    logger: false,
  });
const gazette = await startGazette({});
const uncached = await startGazette({ RESPONSE_CACHE_MB: '0' });
const db = new Database(databasePath, { readonly: true });
const oneArticle = db.prepare(bareSql.oneArticle);
const bare = Fastify();
bare.get('/articles/:id', async (request) =>
  toArticleSummary(oneArticle.get(Number((request.params as { id: string }).id)) as ArticleSummaryRow),
);
const addresses = {
  gazette: await gazette.listen({ port: 0, host: '127.0.0.1' }),
  uncached: await uncached.listen({ port: 0, host: '127.0.0.1' }),
  bare: await bare.listen({ port: 0, host: '127.0.0.1' }),
};
console.log(JSON.stringify(addresses));
process.on('SIGTERM', async () => {
  await Promise.all([gazette.close(), uncached.close(), bare.close()]);
  process.exit(0);
});
