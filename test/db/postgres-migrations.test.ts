import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgTable, getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig as sqliteTableConfig } from 'drizzle-orm/sqlite-core';
import t from 'tap';
import type { PostgresDb } from '../../src/db/postgres/connection.js';
import * as postgresSchema from '../../src/db/postgres/schema.js';
import * as sqliteSchema from '../../src/db/sqlite/schema.js';
import { postgresEngine, postgresTest } from '../support/postgres.js';

/** Each table of a Drizzle schema module: its columns and index names, sorted. */
function describeSchema(module: Record<string, unknown>) {
  const tables: Record<string, { columns: string[]; indexes: string[] }> = {};
  for (const value of Object.values(module)) {
    if (value instanceof SQLiteTable) {
      const config = sqliteTableConfig(value);
      tables[config.name] = {
        columns: config.columns.map((column) => column.name).sort(),
        indexes: config.indexes.map((index) => index.config.name).sort(),
      };
    } else if (value instanceof PgTable) {
      const config = pgTableConfig(value);
      tables[config.name] = {
        columns: config.columns.map((column) => column.name).sort(),
        indexes: config.indexes.map((index) => index.config.name ?? '').sort(),
      };
    }
  }
  return tables;
}

/**
 * The SQLite schema less what only its row layout calls for: authors and tags ready-built, each
 * simhash copied beside its bands, and the dates indexed by article id. SQLite reads a row's columns
 * in order, so those reads would walk past the article's bodies; PostgreSQL keeps long bodies out of
 * the row. Also less the queue of
 * articles to re-index after a rename: SQLite's writes hold the event loop, PostgreSQL's do not.
 */
function sharedSqliteSchema() {
  const { article_cards: _cards, article_name_refresh: _queue, ...tables } = describeSchema(sqliteSchema);
  const articles = tables.articles!;
  articles.indexes = articles.indexes.filter((name) => name !== 'articles_id_published_at');
  const bands = tables.article_simhash_bands!;
  bands.columns = bands.columns.filter((column) => column !== 'simhash');
  bands.indexes = bands.indexes.filter((name) => name !== 'article_simhash_bands_band_article_simhash');
  return tables;
}

const sqliteTables = sharedSqliteSchema();
const postgresTables = describeSchema(postgresSchema);

t.test(
  'the PostgreSQL schema has every SQLite table, column and index but layout copies, and the search column',
  async (t) => {
    t.ok(Object.keys(sqliteTables).length >= 15, 'the SQLite schema was read');
    const expected = structuredClone(sqliteTables);
    expected.articles!.columns = [...expected.articles!.columns, 'search'].sort();
    expected.articles!.indexes = [...expected.articles!.indexes, 'articles_search'].sort();
    t.same(postgresTables, expected);
  },
);

async function migrated(t: { teardown(fn: () => unknown): void }, url: string): Promise<PostgresDb> {
  const db = (await postgresEngine()).openPostgres({ url, maxConnections: 4, statementTimeoutMs: 5000 });
  t.teardown(() => db.$client.end());
  await (await postgresEngine()).migratePostgres(db);
  return db;
}

postgresTest(t, 'migrations apply on an empty database, once, and build the whole schema', async (t, url) => {
  const db = (await postgresEngine()).openPostgres({ url, maxConnections: 4, statementTimeoutMs: 5000 });
  t.teardown(() => db.$client.end());
  t.same(
    await (await postgresEngine()).checkPostgres(db),
    { reachable: true, migrationsCurrent: false, storage: true },
    'nothing yet',
  );
  // Two processes starting together: the advisory lock lets one migrate, the other finds it done.
  const { migratePostgres } = await postgresEngine();
  await Promise.all([migratePostgres(db), migratePostgres(db)]);
  const applied = await db.$client.query(
    'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id',
  );
  await (await postgresEngine()).migratePostgres(db);
  const again = await db.$client.query(
    'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id',
  );
  t.same(again.rows, applied.rows, 'a second apply is a no-op');
  t.same(await (await postgresEngine()).checkPostgres(db), {
    reachable: true,
    migrationsCurrent: true,
    storage: true,
  });

  const columns = await db.$client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const live: Record<string, string[]> = {};
  for (const row of columns.rows) live[row.table_name] = [...(live[row.table_name] ?? []), row.column_name];
  for (const [table, { columns: expected }] of Object.entries(sqliteTables)) {
    const extra = table === 'articles' ? ['search'] : [];
    t.same((live[table] ?? []).sort(), [...expected, ...extra].sort(), `${table} has the SQLite columns`);
  }

  await db.$client.query(
    'DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)',
  );
  t.equal(
    (await (await postgresEngine()).checkPostgres(db)).migrationsCurrent,
    false,
    'a missing migration is noticed',
  );
});

postgresTest(t, 'the pool is bounded and every connection has the statement timeout', async (t, url) => {
  const db = (await postgresEngine()).openPostgres({ url, maxConnections: 1, statementTimeoutMs: 1234 });
  t.teardown(() => db.$client.end());
  await (await postgresEngine()).migratePostgres(db);
  t.equal(
    (await (await postgresEngine()).checkPostgres(db)).migrationsCurrent,
    true,
    'one connection is enough to migrate',
  );
  const [timeout, slow] = await Promise.allSettled([
    db.$client.query('SHOW statement_timeout'),
    db.$client.query('SELECT pg_sleep(3)'),
  ]);
  t.same(timeout.status === 'fulfilled' && timeout.value.rows, [{ statement_timeout: '1234ms' }]);
  t.match(
    slow,
    { status: 'rejected', reason: { message: /statement timeout/ } },
    'a long statement is cancelled',
  );
  const pids = await Promise.all(
    Array.from({ length: 5 }, () => db.$client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')),
  );
  t.equal(
    new Set(pids.map((result) => result.rows[0]!.pid)).size,
    1,
    'five queries at once share the one connection',
  );
});

postgresTest(t, 'an unreachable server is reported, not thrown', async (t, url) => {
  const unreachable = new URL(url);
  unreachable.port = '1';
  const db = (await postgresEngine()).openPostgres({
    url: unreachable.toString(),
    maxConnections: 1,
    statementTimeoutMs: 1000,
  });
  t.teardown(() => db.$client.end());
  t.same(await (await postgresEngine()).checkPostgres(db), {
    reachable: false,
    migrationsCurrent: false,
    storage: false,
  });
});

const insertArticle = `INSERT INTO articles (slug, title, subtitle, excerpt, body_text, body_html, images,
  word_count, reading_time_minutes, published_at, content_hash, author_names, tag_names, simhash,
  created_at, updated_at)
  VALUES ($1, $2, NULL, '', $3, '', '[]', 1, 1, $4, $1, $5, '', '0', '2026-01-01', '2026-01-01') RETURNING id`;

postgresTest(
  t,
  'weighted search ranks a title match above a subtitle, name or body match',
  async (t, url) => {
    const db = await migrated(t, url);
    await db.$client.query(insertArticle, [
      'in-body',
      'Council news',
      'The harbour wall was repaired.',
      null,
      '',
    ]);
    await db.$client.query(insertArticle, [
      'in-title',
      'Harbour wall repaired',
      'The council met.',
      null,
      '',
    ]);
    await db.$client.query(insertArticle, ['by-name', 'Weather', 'Rain again.', null, 'Ann Harbour']);
    await db.$client.query(insertArticle, ['elsewhere', 'Weather', 'Sun at last.', null, '']);
    const ranked = await db.$client.query<{ slug: string }>(
      `SELECT slug FROM articles, to_tsquery('gazette_search', 'harbour') query
     WHERE search @@ query ORDER BY ts_rank(search, query) DESC, id`,
    );
    t.same(
      ranked.rows.map((row) => row.slug),
      ['in-title', 'by-name', 'in-body'],
    );
    const client = await db.$client.connect();
    try {
      // On four rows the planner rightly prefers a scan; forbidding it shows the GIN index can serve.
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(
        "EXPLAIN SELECT id FROM articles WHERE search @@ to_tsquery('gazette_search', 'harbour')",
      );
      t.match(JSON.stringify(plan.rows), /Index Scan on articles_search/);
    } finally {
      client.release(true);
    }
  },
);

postgresTest(t, 'triggers keep link published_sort and superseded events as on SQLite', async (t, url) => {
  const db = await migrated(t, url);
  const article = await db.$client.query<{ id: number }>(insertArticle, [
    'a',
    'A',
    'Body',
    '2026-02-01T00:00:00Z',
    '',
  ]);
  const id = article.rows[0]!.id;
  await db.$client.query(
    "INSERT INTO tags (slug, name, created_at, updated_at) VALUES ('t', 'T', '2026-01-01', '2026-01-01')",
  );
  await db.$client.query(
    "INSERT INTO authors (slug, name, name_key, created_at, updated_at) VALUES ('w', 'W', 'w', '2026-01-01', '2026-01-01')",
  );
  await db.$client.query(
    'INSERT INTO article_tags (article_id, tag_id, position) SELECT $1, id, 0 FROM tags',
    [id],
  );
  await db.$client.query(
    'INSERT INTO article_authors (article_id, author_id, position) SELECT $1, id, 0 FROM authors',
    [id],
  );
  const sorts = async () =>
    (
      await db.$client.query(
        'SELECT (SELECT published_sort FROM article_tags) AS tag, (SELECT published_sort FROM article_authors) AS author',
      )
    ).rows[0];
  t.same(await sorts(), { tag: '2026-02-01T00:00:00Z', author: '2026-02-01T00:00:00Z' }, 'copied on insert');
  await db.$client.query('UPDATE articles SET published_at = NULL WHERE id = $1', [id]);
  t.same(await sorts(), { tag: '', author: '' }, 'kept on update');

  const event =
    "INSERT INTO events (type, resource_id, data, occurred_at) VALUES ($1, $2, '{}', '2026-01-01')";
  await db.$client.query(event, ['article.created', id]);
  await db.$client.query(event, ['tag.created', id]);
  await db.$client.query(event, ['article.updated', id]);
  const live = await db.$client.query('SELECT type FROM events WHERE NOT superseded ORDER BY id');
  t.same(
    live.rows.map((row) => row.type),
    ['tag.created', 'article.updated'],
  );
  const stored = async () =>
    (await db.$client.query('SELECT type FROM events ORDER BY id')).rows.map((row) => row.type);
  t.same(await stored(), ['tag.created', 'article.updated'], 'with no active webhook, superseded events go');

  await db.$client.query(`INSERT INTO webhooks (url, event_types, secret, status, last_event_id, created_at)
    VALUES ('https://example.com/hook', '["article.updated"]', 'whsec_x', 'active', (SELECT max(id) - 1 FROM events), '2026-01-01'),
    ('https://example.com/tags', '["tag.created"]', 'whsec_y', 'active', 0, '2026-01-01')`);
  await db.$client.query(event, ['article.deleted', id]);
  t.same(
    await stored(),
    ['tag.created', 'article.updated', 'article.deleted'],
    'an active webhook that has not delivered a superseded event keeps it',
  );
});

/** The migrations folder as it stood before search stemmed words: the journal cut after `tag`. */
function migrationsUpTo(t: { teardown(fn: () => unknown): void }, tag: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'gazette-migrations-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  cpSync(fileURLToPath(new URL('../../migrations/postgres', import.meta.url)), folder, { recursive: true });
  const journalPath = path.join(folder, 'meta/_journal.json');
  const journal: { entries: { tag: string }[] } = JSON.parse(readFileSync(journalPath, 'utf8'));
  const last = journal.entries.findIndex((entry) => entry.tag === tag);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

postgresTest(
  t,
  'an existing database gets the stemming search column, rebuilt and indexed',
  async (t, url) => {
    const db = (await postgresEngine()).openPostgres({ url, maxConnections: 2, statementTimeoutMs: 5000 });
    t.teardown(() => db.$client.end());
    await migrate(drizzle(db.$client), {
      migrationsFolder: migrationsUpTo(t, '0003_prune_by_webhook_event_types'),
    });
    await db.$client.query(insertArticle, [
      'ferries',
      'Ferries to the café',
      'The naïve crossing.',
      null,
      '',
    ]);
    const finds = async (config: string, word: string) =>
      (
        await db.$client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM articles WHERE search @@ to_tsquery('${config}', $1)`,
          [word],
        )
      ).rows[0]!.n;
    t.equal(await finds('simple', 'ferry'), 0, 'before: words as written');

    await (await postgresEngine()).migratePostgres(db);
    for (const word of ['ferry', 'ferries', 'cafe', 'naive', 'the', 'ferr:*']) {
      t.equal(await finds('gazette_search', word), 1, `${word} finds the article stored before`);
    }
    const index = await db.$client.query(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles' AND indexname = 'articles_search'",
    );
    t.match(index.rows, [{ indexdef: /USING gin \(search\)/ }], 'the GIN index is back');
    const generated = await db.$client.query(
      "SELECT generation_expression FROM information_schema.columns WHERE table_name = 'articles' AND column_name = 'search'",
    );
    t.match(generated.rows, [{ generation_expression: /gazette_search/ }]);
  },
);
