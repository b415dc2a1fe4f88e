import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { openStorage } from '../../src/db/open.js';
import type { IngestRecord } from '../../src/domain/ingest.js';
import type { Repositories } from '../../src/domain/ports.js';
import { sha256 } from '../../src/lib/hash.js';
import { createPostgresDatabase } from './postgres.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export type Engine = 'sqlite' | 'postgres';

/** The engine the suite runs on: `TEST_ENGINE=postgres` (set by test/postgres/*), else SQLite. */
export function testEngine(): Engine {
  return process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh database for one app: a temporary SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(
  engine: Engine = testEngine(),
): Promise<{ url: string; remove: () => Promise<void> }> {
  if (engine === 'postgres') {
    const { url, drop } = await createPostgresDatabase();
    return { url, remove: drop };
  }
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-test-'));
  return {
    url: `file:${path.join(directory, 'gazette.db')}`,
    remove: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/**
 * Plain SQL on a database, for the few tests that set up or inspect what the API cannot: `?`
 * placeholders on both engines, rows as objects.
 */
export type Query = <Row = Record<string, unknown>>(text: string, ...params: unknown[]) => Promise<Row[]>;

/** A connection of its own to the database at `url` (a DATABASE_URL), closed when `t` ends. */
export async function queryOn(t: Teardown, url: string): Promise<Query> {
  if (url.startsWith('file:')) {
    const connection = new Database(url.slice('file:'.length), { timeout: 5000 });
    t.teardown(() => connection.close());
    return async <Row>(text: string, ...params: unknown[]) => {
      const statement = connection.prepare(text);
      if (statement.reader) return statement.all(...params) as Row[];
      statement.run(...params);
      return [];
    };
  }
  const client = new pg.Client({ connectionString: url });
  // Dropping the database at teardown ends this connection too: that is no error.
  client.on('error', () => {});
  await client.connect();
  t.teardown(() => client.end().catch(() => {}));
  return async <Row>(text: string, ...params: unknown[]) => {
    let placeholder = 0;
    const numbered = text.replace(/\?/g, () => `$${++placeholder}`);
    return (await client.query(numbered, params)).rows as Row[];
  };
}

/**
 * Every `table.column` of the database whose stored value contains `text`, on the engine `query`
 * runs on: for a test that text a user removed is gone from every table, not only from one. JSON
 * is searched as stored, escaped: look for text without quotes, backslashes or line breaks.
 */
export async function columnsHolding(query: Query, engine: Engine, text: string): Promise<string[]> {
  const columns =
    engine === 'sqlite'
      ? await query<{ table_name: string; column_name: string; data_type: string }>(
          `SELECT m.name AS table_name, c.name AS column_name, 'any' AS data_type
           FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'`,
        )
      : await query<{ table_name: string; column_name: string; data_type: string }>(
          `SELECT table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'bytea')`,
        );
  const holding: string[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const contains =
      engine === 'sqlite'
        ? `instr(CAST("${column}" AS TEXT), ?) > 0`
        : type === 'bytea'
          ? `position(convert_to(?, 'UTF8') in "${column}") > 0`
          : `strpos("${column}"::text, ?) > 0`;
    const found = await query(`SELECT 1 FROM "${table}" WHERE ${contains} LIMIT 1`, text);
    if (found.length > 0) holding.push(`${table}.${column}`);
  }
  return holding;
}

/**
 * The repositories of a fresh, migrated database on the test engine, without an app around them,
 * and a query connection beside them; closed and removed when `t` ends.
 */
export async function testRepositories(t: Teardown): Promise<{ repositories: Repositories; query: Query }> {
  const database = await freshDatabase();
  const location = loadConfig({ DATABASE_URL: database.url }).database;
  const storage = await openStorage(location, {
    searchSampleSize: 2000,
    searchWorkers: undefined,
    searchTimeoutMs: 2000,
    readWorkers: false,
  });
  t.teardown(async () => {
    await storage.close();
    await database.remove();
  });
  return { repositories: storage.repositories, query: await queryOn(t, database.url) };
}

/** The provenance of a plain-text ingest of `raw`, for tests that store drafts straight through a repository. */
export function ingestRecordOf(raw: string, receivedAt: string): IngestRecord {
  return {
    receivedAt,
    contentType: 'text/plain',
    sourceUrl: null,
    raw: Buffer.from(raw),
    rawSha256: sha256(raw),
    overrides: null,
    status: 'created',
    duplicateOf: null,
    warnings: [],
    report: { fields: {} },
    parserVersion: 'test',
    idempotencyKey: null,
    idempotencyCaller: null,
  };
}
