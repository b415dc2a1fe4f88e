import { readFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { DatabaseCheck } from '../../domain/ports.js';
import { packagePath } from '../../lib/package-files.js';
import * as schema from './schema.js';

export type PostgresDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections the pool may open; requests beyond it wait for one. */
  maxConnections: number;
  /** Longest one statement may run before the server cancels it. */
  statementTimeoutMs: number;
}

/** Found from the package, not the working directory, so `gazette` works from anywhere. */
const postgresMigrationsFolder = packagePath('migrations', 'postgres');

/** Where drizzle's migrator records what it applied. */
const migrationsTable = 'drizzle.__drizzle_migrations';
/** Any fixed number: the advisory lock that lets one process at a time migrate. */
const migrationLock = 7_202_612;

export function openPostgres(options: PostgresOptions): PostgresDb {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
    application_name: 'gazette',
  });
  // An idle connection the server drops must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return drizzle(pool, { schema });
}

/**
 * Applies every pending migration. Processes starting together take turns through an advisory
 * lock, so the second finds the work done by the first.
 */
export async function migratePostgres(db: PostgresDb): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    try {
      // On the connection holding the lock: a pool of one connection must not wait for a second.
      await migrate(drizzle(client), { migrationsFolder: postgresMigrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]);
    }
  } finally {
    client.release();
  }
}

/**
 * Whether the server answers, whether every migration in the folder has been applied, and whether
 * it takes writes (a read replica or a read-only transaction default does not).
 */
export async function checkPostgres(db: PostgresDb): Promise<DatabaseCheck> {
  let storage: boolean;
  try {
    const result = await db.$client.query<{ writable: boolean }>(
      "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable",
    );
    storage = result.rows[0]?.writable === true;
  } catch {
    return { reachable: false, migrationsCurrent: false, storage: false };
  }
  try {
    const result = await db.$client.query<{ applied: string | null }>(
      `SELECT max(created_at)::text AS applied FROM ${migrationsTable}`,
    );
    const applied = result.rows[0]?.applied;
    const latest = latestPostgresMigration();
    const migrationsCurrent = latest === undefined || (applied != null && Number(applied) >= latest);
    return { reachable: true, migrationsCurrent, storage };
  } catch {
    // No migrations table yet: nothing has been applied.
    return { reachable: true, migrationsCurrent: false, storage };
  }
}

/** When the newest migration in the folder was made: the last one a current database has applied. */
function latestPostgresMigration(): number | undefined {
  const journal: { entries: { when: number }[] } = JSON.parse(
    readFileSync(path.join(postgresMigrationsFolder, 'meta/_journal.json'), 'utf8'),
  );
  return journal.entries.at(-1)?.when;
}
