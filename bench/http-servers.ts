import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loadCorpus } from './corpus.js';

/**
 * Runs in a child process so the load generator does not share its event loop: Gazette on one port
 * and, on another, the bare baseline — plain Fastify routes running the same SQL through
 * better-sqlite3 and JSON.stringify. Prints both addresses as one JSON line.
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

const db = new Database(databasePath, { readonly: true });
const oneArticle = db.prepare('SELECT * FROM articles WHERE id = ?');
const firstPage = db.prepare(`SELECT id, slug, title, subtitle, excerpt, images, language, word_count,
  reading_time_minutes, published_at, source_url, content_hash, created_at, updated_at
  FROM articles ORDER BY published_sort DESC, id DESC LIMIT 21`);
const search = db.prepare(`SELECT a.id, a.slug, a.title, a.excerpt FROM articles a
  JOIN articles_fts ON articles_fts.rowid = a.id WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT 21`);
const bare = Fastify();
bare.get('/articles/:id', async (request) => oneArticle.get(Number((request.params as { id: string }).id)));
bare.get('/articles', async () => ({ data: firstPage.all() }));
bare.get('/search', async (request) => ({ data: search.all(`"${(request.query as { q: string }).q}"`) }));

const gazetteAddress = await gazette.listen({ port: 0, host: '127.0.0.1' });
const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ gazette: gazetteAddress, bare: bareAddress }));
process.on('SIGTERM', async () => {
  await Promise.all([gazette.close(), bare.close()]);
  process.exit(0);
});
