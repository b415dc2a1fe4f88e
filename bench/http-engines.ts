import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type ServerProcess, startServerProcess } from '../test/support/processes.js';
import { benchDatabaseCopy, compareServers, readCases } from './workers.js';

/** A server where a scratch database may be created and dropped (as for bench:engines). */
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = path.resolve(import.meta.dirname, '..');

async function administer(
  work: (client: pg.Client) => Promise<unknown>,
  connectionString = serverUrl,
): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A new database on the server, with byte-order collation as SQLite sorts; undefined without a server. */
async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const name = `gazette_bench_http_${process.pid}`;
  try {
    await administer((client) =>
      client.query(
        `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`,
      ),
    );
  } catch (error) {
    console.log(`\nSQLite against PostgreSQL skipped: ${(error as Error).message} (BENCH_POSTGRES_URL)`);
    return undefined;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => administer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/**
 * The generated bench database names each payload by a hash of its article's number, not of its
 * bytes; `gazette import` checks payloads against their hashes, so each gets its real hash first.
 */
function hashPayloads(databasePath: string): void {
  const db = new Database(databasePath);
  try {
    const payloads = db.prepare('SELECT sha256, raw FROM raw_payloads').all() as {
      sha256: string;
      raw: Buffer;
    }[];
    const renamePayload = db.prepare('UPDATE raw_payloads SET sha256 = ? WHERE sha256 = ?');
    const renameIngests = db.prepare('UPDATE ingests SET raw_sha256 = ? WHERE raw_sha256 = ?');
    db.transaction(() => {
      for (const { sha256, raw } of payloads) {
        const real = createHash('sha256').update(raw).digest('hex');
        renamePayload.run(real, sha256);
        renameIngests.run(real, sha256);
      }
    })();
  } finally {
    db.close();
  }
}

/** Runs a `gazette` command on a database; its output is kept for the error if it fails. */
function gazette(args: string[], databaseUrl: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, SEED_ON_EMPTY: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * SQLite against PostgreSQL on the same data: the bench database of `size` articles moved into a
 * scratch PostgreSQL database with `gazette export` and `gazette import`, then one server on each,
 * compared on one article, a page of the list and a search in alternating rounds.
 */
export async function benchHttpEngines(size: number): Promise<void> {
  const scratch = await scratchDatabase();
  if (!scratch) return;
  const copy = await benchDatabaseCopy(size);
  const servers: ServerProcess[] = [];
  try {
    const exported = path.join(path.dirname(copy.databasePath), 'export.ndjson');
    const started = performance.now();
    hashPayloads(copy.databasePath);
    gazette(['export', '--output', exported], `file:${copy.databasePath}`);
    gazette(['import', exported], scratch.url);
    // Planner statistics now, as after any restore, rather than whenever autovacuum comes round.
    await administer((client) => client.query('ANALYZE'), scratch.url);
    console.log(
      `\n${size} articles moved to PostgreSQL by gazette export and import in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    servers.push(await startServerProcess(copy.databasePath));
    servers.push(await startServerProcess(copy.databasePath, { DATABASE_URL: scratch.url }));
    await compareServers(
      `${size} articles, SQLite against PostgreSQL`,
      [
        { name: 'SQLite', url: servers[0]!.url },
        { name: 'PostgreSQL', url: servers[1]!.url },
      ],
      readCases(copy.databasePath),
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    copy.remove();
    await scratch.drop();
  }
}
