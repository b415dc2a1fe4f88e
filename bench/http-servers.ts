import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type ArticleSummaryRow, toArticleSummary } from '../src/db/article-summary.js';
import { bareSearch, bareSql } from './bare-sql.js';
import { loadCorpus } from './corpus.js';

/**
 * Runs in a child process so the load generator does not share its event loop: Gazette on one port
 * and, on another, the bare baseline — plain Fastify routes running the same SQL through
 * better-sqlite3 with no validation, schemas, ETags or hooks. Prints both addresses as one JSON line.
 */
const databasePath = process.argv[2]!;
const gazette = await buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'silent' }), {
  logger: false,
});
for (const article of loadCorpus(2000)) {
  try {
    await gazette.services.ingest.ingestArticle({
      raw: article.bytes,
      contentType: 'text/plain',
      overrides: {},
    });
  } catch {
    // Refused articles are left out.
  }
}

// The baseline runs the same SQL Gazette runs for each request and sends the same document (JSON
// columns parsed), through JSON.stringify, with no validation, schemas, ETags or hooks.
const db = new Database(databasePath, { readonly: true });
const oneArticle = db.prepare(bareSql.oneArticle);
const firstPage = db.prepare(bareSql.firstPage);
const search = bareSearch(db);
const bare = Fastify();
const summaries = (rows: unknown[]) => (rows as ArticleSummaryRow[]).map(toArticleSummary);
bare.get('/articles/:id', async (request) =>
  toArticleSummary(oneArticle.get(Number((request.params as { id: string }).id)) as ArticleSummaryRow),
);
bare.get('/articles', async () => ({ data: summaries(firstPage.all()) }));
bare.get('/search', async (request) => ({
  data: summaries(search(`"${(request.query as { q: string }).q}"`)),
}));

const gazetteAddress = await gazette.listen({ port: 0, host: '127.0.0.1' });
const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ gazette: gazetteAddress, bare: bareAddress }));
process.on('SIGTERM', async () => {
  await Promise.all([gazette.close(), bare.close()]);
  process.exit(0);
});
