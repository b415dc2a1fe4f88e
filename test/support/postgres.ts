import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * The PostgreSQL engine's modules, imported only by a test that runs against a server: without one,
 * the engine is neither run nor counted in the coverage thresholds (with one, every line counts).
 */
export async function postgresEngine() {
  const [
    { openPostgres, migratePostgres, checkPostgres },
    { createPostgresReadRepositories },
    { createPostgresWriteRepositories },
    { createPostgresTransferRepository },
  ] = await Promise.all([
    import('../../src/db/postgres/connection.js'),
    import('../../src/db/postgres/read-repositories.js'),
    import('../../src/db/postgres/write-repositories.js'),
    import('../../src/db/postgres/transfer-repository.js'),
  ]);
  return {
    openPostgres,
    migratePostgres,
    checkPostgres,
    createPostgresReadRepositories,
    createPostgresWriteRepositories,
    createPostgresTransferRepository,
  };
}

/** The server tests may create databases on; unset, PostgreSQL tests are skipped and say so. */
const serverUrl = process.env.TEST_POSTGRES_URL || undefined;

const postgresSkipped = 'PostgreSQL tests skipped: TEST_POSTGRES_URL is not set';

/**
 * A test that needs PostgreSQL. Without TEST_POSTGRES_URL it shows up as a skipped test with the
 * reason, and a comment line says PostgreSQL was skipped: never as a pass.
 */
export function postgresTest(t: Test, name: string, fn: (t: Test, url: string) => Promise<void>): void {
  if (serverUrl === undefined) {
    t.comment(postgresSkipped);
    t.test(name, { skip: postgresSkipped }, () => {});
    return;
  }
  t.test(name, async (t) => fn(t, await freshPostgresDatabase(t)));
}

/**
 * Runs a contract test file against PostgreSQL: every app it builds gets a fresh database. Without
 * TEST_POSTGRES_URL it imports nothing and shows a skipped test with the reason.
 */
export async function contractOnPostgres(t: Test, load: () => Promise<unknown>): Promise<void> {
  if (serverUrl === undefined) {
    t.comment(postgresSkipped);
    t.test('the HTTP contract on PostgreSQL', { skip: postgresSkipped }, () => {});
    return;
  }
  process.env.TEST_ENGINE = 'postgres';
  await load();
}

/**
 * A new, empty database on the TEST_POSTGRES_URL server, dropped when `t` ends, so test files (and
 * tests) never see each other's rows.
 */
async function freshPostgresDatabase(t: Teardown): Promise<string> {
  const { url, drop } = await createPostgresDatabase();
  t.teardown(drop);
  return url;
}

/**
 * A new, empty database on the TEST_POSTGRES_URL server and how to drop it. Byte-order collation
 * sorts text as SQLite does.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (serverUrl === undefined) throw new Error(postgresSkipped);
  // Named after the server URL's database, so whoever made that one can find (and drop) these.
  const base = new URL(serverUrl).pathname.slice(1).replace(/[^a-z0-9_]/g, '') || 'gazette_test';
  const name = `${base.slice(0, 40)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await administer((client) =>
    client.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`,
    ),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => administer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function administer(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
