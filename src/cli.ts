import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import { serve } from './cluster.js';
import { buildCommandApp, withApp } from './command-app.js';
import { ConfigError, type DatabaseConfig, loadConfig } from './config.js';
import { BackupError, backupDatabase, migrateStorage, restoreDatabase } from './db/open.js';
import { type ApiKeyScope, apiKeyScopes } from './domain/api-keys.js';
import { renderOpenApi } from './http/openapi.js';
import { packagePath } from './lib/package-files.js';
import { ingestFiles, listIngestibleFiles } from './services/ingest-files.js';
import { seed } from './services/seed.js';

/** The committed OpenAPI document. */
const openApiPath = packagePath('openapi', 'openapi.json');

/** Runs a command on the configured database; the app is closed however the command ends. */
function onConfiguredApp<T>(command: (app: FastifyInstance) => Promise<T>): Promise<T> {
  return withApp(() => buildCommandApp(loadConfig()), command);
}

function parseScopes(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((scope) => scope.trim());
  const unknown = scopes.filter((scope) => !(apiKeyScopes as readonly string[]).includes(scope));
  if (unknown.length)
    throw new InvalidArgumentError(`unknown scope ${unknown.join(', ')}; use ${apiKeyScopes.join(', ')}`);
  return scopes as ApiKeyScope[];
}

function parseId(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a key id such as 3');
  return Number(value);
}

const program = new Command('gazette')
  .description('Gazette: a REST content service for news and analysis articles.')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the HTTP API (migrates first; seeds an empty database unless SEED_ON_EMPTY=false)')
  .option('--workers <count>', 'processes serving on the port (overrides WORKERS; default 1)')
  .action(async (options: { workers?: string }) => {
    await serve(
      loadConfig({ ...process.env, ...(options.workers !== undefined && { WORKERS: options.workers }) }),
    );
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const { database } = loadConfig();
    await migrateStorage(database);
    console.log(`migrations applied to ${describeDatabase(database)}`);
  });

program
  .command('seed')
  .description('ingest the sample articles in seeds/ (already present ones count as duplicates)')
  .action(async () => {
    const summary = await onConfiguredApp((app) => seed(app.services.ingest));
    console.log(
      `seeded: ${summary.created} created, ${summary.duplicate} duplicate, ${summary.rejected.length} rejected`,
    );
    for (const { file, reason } of summary.rejected) console.error(`  ${file}: ${reason}`);
    if (summary.rejected.length) process.exitCode = 1;
  });

program
  .command('ingest')
  .description('ingest raw articles from files or directories (.txt, .html, .json)')
  .argument('<paths...>', 'files or directories')
  .action(async (paths: string[]) => {
    const files = await listIngestibleFiles(paths);
    const bar = new SingleBar({ format: 'ingesting [{bar}] {value}/{total} {file}', stream: process.stderr });
    bar.start(files.length, 0, { file: '' });
    const summary = await onConfiguredApp((app) =>
      ingestFiles(app.services.ingest, files, (done, file) =>
        bar.update(done, { file: path.basename(file) }),
      ),
    ).finally(() => bar.stop());
    console.log(
      `${summary.created} created, ${summary.duplicate} duplicate, ${summary.rejected.length} rejected`,
    );
    for (const { file, reason } of summary.rejected) console.error(`rejected ${file}: ${reason}`);
    if (summary.rejected.length) process.exitCode = 1;
  });

program
  .command('reparse')
  .description('re-run the current parser over every stored raw payload and update articles in place')
  .action(async () => {
    const result = await onConfiguredApp((app) => app.services.ingest.reparseAll());
    console.log(`${result.updated} articles updated, ${result.failed.length} failed`);
    for (const { ingestId, reason } of result.failed) console.error(`ingest ${ingestId}: ${reason}`);
    if (result.failed.length) process.exitCode = 1;
  });

/** The database named in messages: the SQLite path, or the PostgreSQL URL without its password. */
function describeDatabase(database: DatabaseConfig): string {
  if (database.engine === 'sqlite') return database.path;
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  return url.toString();
}

/**
 * The configured database file. Backups make no sense for a throwaway in-memory one, and PostgreSQL
 * has its own tools (pg_dump, base backups).
 */
function databaseFile(): string {
  const { database } = loadConfig();
  if (database.engine === 'postgres')
    throw new BackupError(
      'backup and restore work on SQLite only; on PostgreSQL use pg_dump/pg_restore or gazette export/import',
    );
  if (database.path === ':memory:') throw new BackupError('DATABASE_URL names an in-memory database');
  return database.path;
}

program
  .command('backup')
  .description('copy the database to <file> while it is in use (SQLite online backup), then check the copy')
  .argument('<file>', 'where to write the copy; must not exist yet')
  .action(async (file: string) => {
    const source = databaseFile();
    const { pages, bytes } = await backupDatabase(source, file);
    console.log(`backed up ${source} to ${file}: ${pages} pages, ${bytes} bytes, integrity ok`);
  });

program
  .command('restore')
  .description('check a backup and put it in place of the database (stop the server first)')
  .argument('<file>', 'a file written by `gazette backup`')
  .action(async (file: string) => {
    const target = databaseFile();
    const { articles, pendingMigrations } = await restoreDatabase(file, target);
    console.log(`restored ${file} to ${target}: ${articles} articles, integrity ok`);
    if (pendingMigrations) console.log('the backup predates some migrations; the next start applies them');
  });

/** A command's own failure, told in one line (a file that exists already, one that cannot be read). */
class CommandError extends Error {}

/** Writes to a stream, waiting whenever its buffer is full, so an export never piles up in memory. */
function streamWriter(stream: NodeJS.WritableStream) {
  return async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
}

function exportProgress(bar: SingleBar) {
  return (done: number, total: number | undefined) => {
    bar.setTotal(total ?? done);
    bar.update(done);
  };
}

/** Exports into `<file>.partial` and renames it when complete, so a failed export leaves no file. */
async function exportToFile(file: string, bar: SingleBar): Promise<number> {
  const partial = `${file}.partial`;
  const stream: WriteStream = createWriteStream(partial, { flags: 'wx' });
  await once(stream, 'open').catch((error: Error) => {
    throw new CommandError(`cannot write ${partial}: ${error.message}`);
  });
  try {
    const lines = await onConfiguredApp((app) =>
      app.services.transfer.exportTo(streamWriter(stream), exportProgress(bar)),
    );
    stream.end();
    await once(stream, 'finish');
    await rename(partial, file);
    return lines;
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

program
  .command('export')
  .description(
    'write the whole database as NDJSON: articles with authors, tags, images, ingests and payloads',
  )
  .option('--output <file>', 'where to write it (standard output when left out)')
  .action(async (options: { output?: string }) => {
    if (options.output && existsSync(options.output))
      throw new CommandError(`${options.output} exists already; export to a new file`);
    const bar = new SingleBar({ format: 'exporting [{bar}] {value}/{total} lines', stream: process.stderr });
    bar.start(0, 0);
    const lines = await (options.output
      ? exportToFile(options.output, bar)
      : onConfiguredApp((app) =>
          app.services.transfer.exportTo(streamWriter(process.stdout), exportProgress(bar)),
        )
    ).finally(() => bar.stop());
    console.error(`exported ${lines} lines${options.output ? ` to ${options.output}` : ''}`);
  });

program
  .command('import')
  .description('read a `gazette export` file into an empty database, keeping ids, slugs and timestamps')
  .argument('<file>', 'an NDJSON file written by `gazette export`')
  .action(async (file: string) => {
    const { size } = await stat(file).catch((error: Error) => {
      throw new CommandError(`cannot read ${file}: ${error.message}`);
    });
    const input = createReadStream(file);
    const bar = new SingleBar({
      format: 'importing [{bar}] {percentage}% {lines} lines',
      stream: process.stderr,
    });
    bar.start(size, 0, { lines: 0 });
    const lines = await onConfiguredApp((app) =>
      app.services.transfer.importFrom(
        createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }),
        (done) => bar.update(input.bytesRead, { lines: done }),
      ),
    ).finally(() => {
      bar.stop();
      input.destroy();
    });
    console.log(`imported ${lines} lines from ${file} into ${describeDatabase(loadConfig().database)}`);
  });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create a key; it is printed once and never shown again')
  .requiredOption('--name <name>', 'who or what the key is for')
  .option('--scopes <scopes>', `comma-separated: ${apiKeyScopes.join(', ')}`, parseScopes, [
    'ingest',
  ] as ApiKeyScope[])
  .action(async (options: { name: string; scopes: ApiKeyScope[] }) => {
    const { id, key } = await onConfiguredApp((app) =>
      app.services.apiKeys.createKey(options.name, options.scopes),
    );
    console.log(`key ${id} (${options.scopes.join(', ')}): ${key}`);
  });
keys
  .command('list')
  .description('list keys (never the secrets)')
  .action(async () => {
    const records = await onConfiguredApp((app) => app.services.apiKeys.listKeys());
    for (const record of records) {
      const state = record.revoked_at ? `revoked ${record.revoked_at}` : 'active';
      console.log(`${record.id}\t${record.prefix}…\t${record.name}\t${record.scopes.join(',')}\t${state}`);
    }
  });
keys
  .command('revoke')
  .description('revoke a key by id')
  .argument('<id>', 'the key id from `keys list`', parseId)
  .action(async (id: number) => {
    await onConfiguredApp((app) => app.services.apiKeys.revokeKey(id));
    console.log(`key ${id} revoked`);
  });

program
  .command('openapi')
  .description('write the OpenAPI document to openapi/openapi.json')
  .action(async () => {
    // The document depends on no data, so a throwaway database will do.
    const document = await withApp(
      () => buildCommandApp({ ...loadConfig(), database: { engine: 'sqlite', path: ':memory:' } }),
      async (app) => renderOpenApi(app),
    );
    await mkdir(path.dirname(openApiPath), { recursive: true });
    await writeFile(openApiPath, document);
    console.log(`wrote ${path.relative(process.cwd(), openApiPath)}`);
  });

try {
  await program.parseAsync();
} catch (error) {
  // Expected failures (bad configuration, a client-side mistake) are one clear line, not a stack trace.
  if (
    error instanceof ConfigError ||
    error instanceof BackupError ||
    error instanceof CommandError ||
    (error instanceof Error && 'status' in error)
  ) {
    console.error(`gazette: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
