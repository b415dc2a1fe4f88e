import t from 'tap';
import { createTransferService } from '../../src/services/transfer.js';
import { buildTestApp } from '../support/app.js';
import { postgresEngine, postgresTest } from '../support/postgres.js';
import { exportOf, linesOf, populate } from '../support/transfer.js';

/** Lines as values: PostgreSQL's jsonb keeps a JSON value, not the order its keys were written in. */
const parsed = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

postgresTest(t, 'a SQLite export imports into PostgreSQL and exports again unchanged', async (t, url) => {
  const source = await buildTestApp(t);
  await populate(source);
  const text = await exportOf(source);

  const db = (await postgresEngine()).openPostgres({ url, maxConnections: 4, statementTimeoutMs: 10_000 });
  t.teardown(() => db.$client.end());
  await (await postgresEngine()).migratePostgres(db);
  const transfer = createTransferService({
    transfer: (await postgresEngine()).createPostgresTransferRepository(db),
  });

  const imported = await transfer.importFrom(linesOf(text));
  t.equal(imported, parsed(text).length - 1);
  let again = '';
  await transfer.exportTo(async (chunk) => {
    again += chunk;
  });
  t.same(parsed(again), parsed(text), 'every record, link, slug, ingest and payload came through');

  await t.rejects(transfer.importFrom(linesOf(text)), { status: 409, message: /not empty/ });

  const query = async (text: string, values: unknown[] = []) => (await db.$client.query(text, values)).rows;
  const [{ id: nextId }] = await query(
    `INSERT INTO tags (slug, name, created_at, updated_at) VALUES ('new', 'New', '2026-01-01', '2026-01-01')
     RETURNING id`,
  );
  const [{ highest }] = await query('SELECT max(id) AS highest FROM tags WHERE slug <> $1', ['new']);
  t.equal(nextId, highest + 1, 'identities continue after the imported ids');
  const links =
    await query(`SELECT count(*)::int AS wrong FROM article_tags l JOIN articles a ON a.id = l.article_id
    WHERE l.published_sort <> a.published_sort`);
  t.same(links, [{ wrong: 0 }], 'links carry their article published_sort');
  const found = await query(
    "SELECT slug FROM articles WHERE search @@ to_tsquery('simple', 'harbour') ORDER BY ts_rank(search, to_tsquery('simple', 'harbour')) DESC LIMIT 1",
  );
  t.match(found[0]?.slug, /harbour/, 'the imported articles are searchable, title matches first');
});

postgresTest(t, 'a failed import into PostgreSQL leaves the database empty', async (t, url) => {
  const source = await buildTestApp(t);
  await populate(source);
  const text = await exportOf(source);
  const db = (await postgresEngine()).openPostgres({ url, maxConnections: 2, statementTimeoutMs: 10_000 });
  t.teardown(() => db.$client.end());
  await (await postgresEngine()).migratePostgres(db);
  const transfer = createTransferService({
    transfer: (await postgresEngine()).createPostgresTransferRepository(db),
  });

  const lines = text.split('\n');
  const dangling = lines.map((line) =>
    line.includes('"type":"deleted"') ? line : line.replace(/"duplicate_of":\d+/, '"duplicate_of":99999'),
  );
  await t.rejects(transfer.importFrom(linesOf(dangling.join('\n'))), {
    status: 400,
    message: /could not be stored: .*foreign key/,
  });
  const clash = text.replace(
    /"slug":"glenhollow[^"]*"/,
    '"slug":"easterleigh-library-wins-national-award-for-its-evening-classes"',
  );
  await t.rejects(transfer.importFrom(linesOf(clash)), { status: 400, message: /articles_slug_unique/ });
  const rows = await db.$client.query(
    'SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM ingests) AS n',
  );
  t.equal(Number(rows.rows[0].n), 0, 'nothing was half-written');
  t.equal(db.$client.totalCount - db.$client.idleCount, 0, 'no connection is left checked out');
});
