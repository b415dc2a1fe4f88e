import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkDatabase, migrateDatabase, openDatabase } from '../src/db/connection.js';

t.test('migrations build the whole schema on an empty database, once', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-migrate-'));
  const db = openDatabase(path.join(directory, 'nested', 'gazette.db'));
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });

  t.same(checkDatabase(db), { reachable: true, migrationsCurrent: false }, 'nothing applied yet');
  migrateDatabase(db);
  migrateDatabase(db);
  t.same(checkDatabase(db), { reachable: true, migrationsCurrent: true });

  const tables = db.$client
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
    )
    .pluck()
    .all();
  t.same(
    tables.filter((name) => !String(name).startsWith('articles_fts_')),
    [
      'api_keys',
      'article_authors',
      'article_simhash_bands',
      'article_tags',
      'articles',
      'articles_fts',
      'authors',
      'ingests',
      'tags',
    ],
    'the tables, and the full-text index (its shadow tables left out)',
  );
  const triggers = db.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    .pluck()
    .all();
  t.same(triggers, [
    'article_authors_published_sort_after_insert',
    'article_tags_published_sort_after_insert',
    'articles_fts_after_delete',
    'articles_fts_after_insert',
    'articles_fts_after_update',
    'articles_links_published_sort_after_update',
  ]);

  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.$client.pragma('foreign_keys', { simple: true }), 1);
  t.equal(db.$client.pragma('synchronous', { simple: true }), 2, 'FULL');
  t.equal(db.$client.pragma('busy_timeout', { simple: true }), 5000);

  const foreignKeys = db.$client
    .prepare('SELECT "table", on_delete FROM pragma_foreign_key_list(\'article_tags\')')
    .all();
  t.same(foreignKeys.map((key) => (key as { on_delete: string }).on_delete).sort(), ['CASCADE', 'RESTRICT']);

  const plan = db.$client
    .prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM articles WHERE published_sort <= '2026' ORDER BY published_sort DESC, id DESC LIMIT 20",
    )
    .all()
    .map((row) => (row as { detail: string }).detail)
    .join(' ');
  t.match(
    plan,
    /SEARCH articles USING (COVERING )?INDEX articles_published_sort_id \(published_sort<\?\)/,
    'a page is a range scan of an index',
  );
  t.notMatch(plan, /TEMP B-TREE/, 'with no sort step');
});
