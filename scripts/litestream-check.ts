/**
 * Continuous replication with Litestream, end to end: replicate a live Gazette database to a local
 * folder while articles arrive, restore the replica to a new file, and compare the two.
 *
 *   npm run litestream:check
 *
 * Uses the binary of the optional `@flydotio/litestream-linux-x64` package, or `LITESTREAM=/path`.
 * Exits 0 when the restored database passes integrity_check and holds exactly the same articles.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { seed } from '../src/services/seed.js';

function litestreamBinary(): string {
  if (process.env.LITESTREAM) return process.env.LITESTREAM;
  try {
    const manifest = createRequire(import.meta.url).resolve('@flydotio/litestream-linux-x64/package.json');
    return path.join(path.dirname(manifest), 'litestream');
  } catch {
    throw new Error('no Litestream binary: install @flydotio/litestream-linux-x64 or set LITESTREAM');
  }
}

/** Article ids, content hashes and slugs: what must survive replication exactly. */
function snapshot(databasePath: string): { integrity: string; articles: string[] } {
  const database = new Database(databasePath, { readonly: true });
  try {
    return {
      integrity: String(database.pragma('integrity_check', { simple: true })),
      articles: database
        .prepare('SELECT id, slug, content_hash FROM articles ORDER BY id')
        .all()
        .map((row) => JSON.stringify(row)),
    };
  } finally {
    database.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const binary = litestreamBinary();
const directory = mkdtempSync(path.join(tmpdir(), 'gazette-litestream-'));
const databasePath = path.join(directory, 'gazette.db');
const replicaPath = path.join(directory, 'replica');
const restoredPath = path.join(directory, 'restored.db');
const configPath = path.join(directory, 'litestream.yml');
writeFileSync(
  configPath,
  `dbs:\n  - path: ${databasePath}\n    replicas:\n      - type: file\n        path: ${replicaPath}\n        sync-interval: 200ms\n`,
);

try {
  console.log(`litestream ${execFileSync(binary, ['version']).toString().trim()} in ${directory}`);
  const app = await buildApp(loadConfig({ DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'silent' }), {
    logger: false,
  });
  await seed(app.services.ingest);

  const replicator = spawn(binary, ['replicate', '-config', configPath], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await pause(1000);
  // Articles keep arriving while Litestream replicates.
  for (let round = 0; round < 5; round++) {
    await app.services.ingest.ingestArticle({
      raw: [
        `Night ferry ${round} adds a stop at the harbour`,
        '',
        `The night ferry ${round} will stop at the old harbour from next month, the operator said on Monday.`,
        '',
        `Residents near the harbour had asked for the stop for years, and the council agreed to pay for a new pier ${round}.`,
      ].join('\n'),
      contentType: 'text/plain',
      overrides: {},
    });
    await pause(300);
  }
  await app.close();
  await pause(1500);
  await stop(replicator);

  execFileSync(binary, ['restore', '-config', configPath, '-o', restoredPath, databasePath], {
    stdio: 'inherit',
  });
  if (!existsSync(restoredPath)) throw new Error('litestream restore wrote nothing');

  const live = snapshot(databasePath);
  const restored = snapshot(restoredPath);
  const same = JSON.stringify(live.articles) === JSON.stringify(restored.articles);
  console.log(
    `live: ${live.articles.length} articles (${live.integrity}); restored: ${restored.articles.length} articles (${restored.integrity})`,
  );
  if (restored.integrity !== 'ok' || !same) {
    console.error('the restored replica differs from the live database');
    process.exitCode = 1;
  } else {
    console.log('the restored replica matches the live database');
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
