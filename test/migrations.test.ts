import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import t, { type Test } from 'tap';
import { loadConfig } from '../src/config.js';
import {
  checkDatabase,
  migrateDatabase,
  migrationsFolder,
  openDatabase,
} from '../src/db/sqlite/connection.js';
import { createRepositories } from '../src/db/sqlite/repositories.js';
import { createServices } from '../src/services/index.js';
import { plainArticle, testParser } from './support/app.js';

t.test('migrations build the whole schema on an empty database, once', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-migrate-'));
  const db = openDatabase(path.join(directory, 'nested', 'gazette.db'));
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });

  t.same(
    checkDatabase(db),
    { reachable: true, migrationsCurrent: false, storage: true },
    'nothing applied yet',
  );
  migrateDatabase(db);
  migrateDatabase(db);
  t.same(checkDatabase(db), { reachable: true, migrationsCurrent: true, storage: true });

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
      'article_cards',
      'article_name_refresh',
      'article_simhash_bands',
      'article_slugs',
      'article_tags',
      'articles',
      'articles_fts',
      'authors',
      'deleted_article_slugs',
      'deleted_articles',
      'events',
      'ingests',
      'raw_payloads',
      'tag_slugs',
      'tags',
      'webhook_deliveries',
      'webhook_redeliveries',
      'webhooks',
    ],
    'the tables, and the full-text index (its shadow tables left out)',
  );
  const triggers = db.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    .pluck()
    .all();
  t.same(triggers, [
    'article_authors_card_after_delete',
    'article_authors_card_after_insert',
    'article_authors_card_after_update',
    'article_authors_published_sort_after_insert',
    'article_tags_card_after_delete',
    'article_tags_card_after_insert',
    'article_tags_card_after_update',
    'article_tags_published_sort_after_insert',
    'articles_card_after_insert',
    'articles_fts_after_delete',
    'articles_fts_after_insert',
    'articles_fts_after_update',
    'articles_links_published_sort_after_update',
    'authors_card_after_update',
    'events_supersede_after_insert',
    'tags_card_after_update',
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

t.test('an upgrade repairs values stored before they were checked', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-repair-'));
  const db = openDatabase(path.join(directory, 'gazette.db'));
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });
  migrateDatabase(db);
  const services = createServices(
    createRepositories(db),
    loadConfig({ DATABASE_URL: 'file::memory:' }),
    testParser(),
  );
  const ids: number[] = [];
  for (const title of ['Quay wall repaired', 'Lock gates replaced', 'Canal reopened', 'Towpath widened']) {
    const result = await services.ingest.ingestArticle({
      raw: plainArticle({ title }),
      contentType: 'text/plain',
      overrides: { published_at: '2026-03-01T10:00:00Z' },
    });
    ids.push(result.article.id);
  }
  // What earlier versions could store.
  const set = db.$client.prepare('UPDATE articles SET published_at = ?, language = ? WHERE id = ?');
  set.run('+010000-01-01T00:59:59.000Z', 'en', ids[0]);
  set.run('0000-01-01T00:00:00.000Z', 'zz-NOT', ids[1]);
  set.run('2999-01-01T00:00:00.000Z', 'en', ids[2]);
  // Run the repair again, as an upgrade from the version before it would.
  const repair = readFileSync(path.join(migrationsFolder, '0004_repair_unservable_values.sql'), 'utf8');
  for (const statement of repair.split('--> statement-breakpoint')) db.$client.exec(statement);

  const rows = db.$client.prepare('SELECT published_at, language FROM articles ORDER BY id').all();
  t.same(rows, [
    { published_at: null, language: 'en' },
    { published_at: null, language: null },
    { published_at: null, language: 'en' },
    { published_at: '2026-03-01T10:00:00.000Z', language: 'en' },
  ]);
  t.equal(checkDatabase(db).migrationsCurrent, true);
});

t.test('stored payloads move to raw_payloads once each, and ingests keep their hashes', async (t) => {
  // The migrations as they were before payloads were stored once.
  const db = databaseBefore(t, 'raw_payloads_stored_once');
  const insert = db.$client.prepare(`INSERT INTO ingests (received_at, content_type, raw, raw_sha256, status,
    warnings, report, parser_version) VALUES ('2026-01-01', 'text/plain', ?, ?, 'created', '[]', '{}', '1')`);
  insert.run(Buffer.from('first payload'), 'a'.repeat(64));
  insert.run(Buffer.from('first payload'), 'a'.repeat(64));
  insert.run(Buffer.from('second payload'), 'b'.repeat(64));

  migrateDatabase(db);
  t.same(
    db.$client.prepare('SELECT sha256, CAST(raw AS TEXT) AS raw FROM raw_payloads ORDER BY sha256').all(),
    [
      { sha256: 'a'.repeat(64), raw: 'first payload' },
      { sha256: 'b'.repeat(64), raw: 'second payload' },
    ],
  );
  t.same(db.$client.prepare('SELECT raw_sha256 FROM ingests ORDER BY id').pluck().all(), [
    'a'.repeat(64),
    'a'.repeat(64),
    'b'.repeat(64),
  ]);
  const columns = db.$client.prepare("SELECT name FROM pragma_table_info('ingests')").pluck().all();
  t.notOk(columns.includes('raw'), 'ingests no longer hold a copy');
});

/** A database migrated up to, and not including, the migration whose tag ends with `tagEnd`. */
function databaseBefore(t: Test, tagEnd: string) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-migrate-'));
  const before = path.join(directory, 'migrations');
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = path.join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  const index = journal.entries.findIndex((entry: { tag: string }) => entry.tag.endsWith(tagEnd));
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalPath, JSON.stringify(journal));
  const db = openDatabase(path.join(directory, 'gazette.db'));
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });
  migrate(db, { migrationsFolder: before });
  return db;
}

t.test('change-feed events written before superseding existed are marked on upgrade', async (t) => {
  const db = databaseBefore(t, 'change_feed_superseded');
  const insert = db.$client.prepare(
    "INSERT INTO events (type, resource_id, data, occurred_at) VALUES (?, ?, '{}', '2026-01-01T00:00:00.000Z')",
  );
  const written: [string, number][] = [
    ['article.created', 1],
    ['tag.created', 1],
    ['article.updated', 1],
    ['author.created', 1],
    ['article.created', 2],
    ['tag.updated', 1],
    ['article.deleted', 1],
  ];
  for (const [type, id] of written) insert.run(type, id);

  migrateDatabase(db);
  const live = () =>
    db.$client.prepare('SELECT id FROM events WHERE superseded = 0 ORDER BY id').pluck().all();
  t.same(live(), [4, 5, 6, 7], "each resource's latest event, whatever the ids of other kinds");
  insert.run('article.updated', 2);
  insert.run('author.updated', 2);
  t.same(live(), [4, 6, 7, 8, 9], 'the trigger supersedes from then on');
  const all = () => db.$client.prepare('SELECT id FROM events ORDER BY id').pluck().all();
  t.same(all(), [4, 6, 7, 8, 9], 'with no webhook to deliver them, superseded events are deleted');
});

t.test('an upgrade builds every article card and copies each simhash beside its bands', async (t) => {
  const db = databaseBefore(t, 'article_cards');
  const now = '2026-01-01T00:00:00.000Z';
  db.$client.exec(`
    INSERT INTO articles (id, slug, title, excerpt, body_text, body_html, images, word_count,
      reading_time_minutes, content_hash, simhash, created_at, updated_at)
    VALUES (1, 'quay', 'Quay', 'e', 'b', '<p>b</p>', '[]', 1, 1, 'h1', '00000000000000ff', '${now}', '${now}'),
      (2, 'bare', 'Bare', 'e', 'b', '<p>b</p>', '[]', 1, 1, 'h2', '0000000000000f00', '${now}', '${now}');
    INSERT INTO authors (id, slug, name, name_key, created_at, updated_at)
    VALUES (1, 'ada-brook', 'Ada Brook', 'ada brook', '${now}', '${now}'),
      (2, 'ben-cole', 'Ben Cole', 'ben cole', '${now}', '${now}');
    INSERT INTO tags (id, slug, name, created_at, updated_at) VALUES (1, 'docks', 'Docks', '${now}', '${now}');
    INSERT INTO article_authors (article_id, author_id, position) VALUES (1, 1, 1), (1, 2, 0);
    INSERT INTO article_tags (article_id, tag_id, position, derived) VALUES (1, 1, 0, 1);
    INSERT INTO article_simhash_bands (band, article_id) VALUES (255, 1), (65536, 1), (3840, 2);
  `);
  migrateDatabase(db);
  const cards = db.$client.prepare('SELECT * FROM article_cards ORDER BY article_id').all() as {
    authors: string;
    tags: string;
  }[];
  t.same(
    cards.map((card) => ({ ...card, authors: JSON.parse(card.authors), tags: JSON.parse(card.tags) })),
    [
      {
        article_id: 1,
        authors: [
          { id: 2, slug: 'ben-cole', name: 'Ben Cole' },
          { id: 1, slug: 'ada-brook', name: 'Ada Brook' },
        ],
        tags: [{ id: 1, slug: 'docks', name: 'Docks', derived: true }],
      },
      { article_id: 2, authors: [], tags: [] },
    ],
  );
  t.same(
    db.$client.prepare('SELECT band, article_id, simhash FROM article_simhash_bands ORDER BY band').all(),
    [
      { band: 255, article_id: 1, simhash: '00000000000000ff' },
      { band: 3840, article_id: 2, simhash: '0000000000000f00' },
      { band: 65536, article_id: 1, simhash: '00000000000000ff' },
    ],
  );
});

t.test(
  'superseded events stay until every active webhook that takes their type has delivered them',
  async (t) => {
    const db = openDatabase(':memory:');
    t.teardown(() => db.$client.close());
    migrateDatabase(db);
    const insert = db.$client.prepare(
      "INSERT INTO events (type, resource_id, data, occurred_at) VALUES (?, 1, '{}', '2026-01-01T00:00:00.000Z')",
    );
    const subscribe =
      db.$client.prepare(`INSERT INTO webhooks (url, event_types, secret, status, last_event_id,
    created_at) VALUES ('https://example.com/hook', ?, 'whsec_x', ?, ?, '2026-01-01T00:00:00.000Z')`);
    const all = () => db.$client.prepare('SELECT id FROM events ORDER BY id').pluck().all();
    const articleEvents = JSON.stringify(['article.created', 'article.updated', 'article.deleted']);
    insert.run('article.created');
    const behind = Number(subscribe.run(articleEvents, 'active', 1).lastInsertRowid);
    subscribe.run(articleEvents, 'disabled', 0);
    subscribe.run(JSON.stringify(['tag.created']), 'active', 0);
    insert.run('article.updated');
    insert.run('article.updated');
    t.same(
      all(),
      [2, 3],
      'what the active article webhook delivered goes; a disabled one, or one taking only tags, holds nothing back',
    );
    db.$client.prepare('UPDATE webhooks SET last_event_id = 3 WHERE id = ?').run(behind);
    insert.run('article.deleted');
    t.same(all(), [4], 'once delivered, the superseded events go with the next write');
  },
);

t.test(
  'a database migrated when the migrations lived in ./migrations is current under migrations/sqlite',
  async (t) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'gazette-migrate-'));
    // The old layout: the same files straight under a folder named `migrations`.
    const old = path.join(directory, 'migrations');
    cpSync(migrationsFolder, old, { recursive: true });
    const db = openDatabase(path.join(directory, 'gazette.db'));
    t.teardown(() => {
      db.$client.close();
      rmSync(directory, { recursive: true, force: true });
    });
    t.not(path.basename(migrationsFolder), 'migrations', 'the folder moved');
    migrate(db, { migrationsFolder: old });
    const applied = () =>
      db.$client.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY id').all();
    const before = applied();
    t.same(checkDatabase(db), { reachable: true, migrationsCurrent: true, storage: true });
    migrateDatabase(db);
    t.same(applied(), before, 'nothing applied again from the new folder');
  },
);
