import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { type CheckpointerOptions, createCheckpointer } from '../../src/db/sqlite/checkpointer.js';
import { openDatabase } from '../../src/db/sqlite/connection.js';
import { writeGateOf } from '../../src/db/sqlite/writes.js';
import { buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';

/**
 * A serving connection leaves WAL checkpoints, and the fsyncs they take, to a worker thread
 * (src/db/sqlite/checkpointer.ts), so no commit holds the event loop while the log is copied back.
 */

/** A file database with one table, its write gate wired to a checkpointer, all closed when the test ends. */
function served(t: Test, options: CheckpointerOptions = {}) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-checkpoint-'));
  const sqlite = openDatabase(path.join(directory, 'gazette.db')).$client;
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text BLOB)');
  const checkpointer = createCheckpointer(sqlite, { delayMs: 5, ...options });
  const gate = writeGateOf(sqlite);
  gate.onCommit(checkpointer.committed);
  t.teardown(async () => {
    await checkpointer.close();
    sqlite.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const insert = sqlite.prepare('INSERT INTO notes (text) VALUES (randomblob(?))');
  /** Commits `rows` rows of 2 KB through the gate, as every write of a serving process does. */
  const write = (rows: number) =>
    gate.write(() =>
      sqlite
        .transaction(() => {
          for (let row = 0; row < rows; row++) insert.run(2048);
        })
        .immediate(),
    );
  return { sqlite, checkpointer, write };
}

const autocheckpoint = (sqlite: Database.Database) =>
  Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));

t.test('commits are copied back by the worker while the serving connection never checkpoints', async (t) => {
  const { sqlite, checkpointer, write } = served(t);
  t.equal(autocheckpoint(sqlite), 1000, "until the worker runs, SQLite's own checkpoints stay on");
  const first = checkpointer.nextCheckpoint();
  await write(1);
  t.match(await first, { mode: 'PASSIVE', busy: false });
  t.equal(autocheckpoint(sqlite), 0, 'once the worker runs, the serving connection never checkpoints');

  // Past SQLite's 1,000-page threshold: the worker copies it all back.
  const next = checkpointer.nextCheckpoint();
  await write(3000);
  const outcome = await next;
  t.ok(outcome && outcome.walPages > 1000, `the log held the commit (${outcome?.walPages} pages)`);
  t.equal(outcome?.checkpointedPages, outcome?.walPages, 'every page was copied back');
  t.equal(sqlite.prepare('SELECT count(*) FROM notes').pluck().get(), 3001);
  t.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
});

t.test('a log past its limit gets a FULL checkpoint, and the next write starts it over', async (t) => {
  const { checkpointer, write } = served(t, { maxWalPages: 100 });
  const big = checkpointer.nextCheckpoint();
  await write(400);
  const full = await big;
  t.match(full, { mode: 'FULL', busy: false });
  t.ok(full && full.walPages >= 100 && full.checkpointedPages === full.walPages, 'all of it copied back');

  const small = checkpointer.nextCheckpoint();
  await write(1);
  const restarted = await small;
  t.match(restarted, { mode: 'PASSIVE' }, 'a short log needs no FULL checkpoint');
  t.ok(
    restarted && restarted.walPages < 10,
    `the log started over instead of growing (${restarted?.walPages} pages)`,
  );
});

t.test('when the worker fails, the connection checkpoints itself again', async (t) => {
  const { sqlite, checkpointer, write } = served(t, {
    startWorker: () => new Worker('throw new Error("the checkpointer could not start")', { eval: true }),
  });
  const outcome = checkpointer.nextCheckpoint();
  await write(1);
  t.equal(await outcome, undefined, 'waiters are told no checkpoint is coming');
  t.equal(autocheckpoint(sqlite), 1000);
  await write(1);
  t.equal(autocheckpoint(sqlite), 1000, 'a failed worker is not started again');
  t.equal(await checkpointer.nextCheckpoint(), undefined);
});

t.test('a checkpoint that fails hands checkpoints back to the connection until one succeeds', async (t) => {
  // A worker that is ready, fails its first checkpoint and then succeeds.
  const flaky = `
    const { parentPort } = require('node:worker_threads');
    let calls = 0;
    parentPort.on('message', (mode) => parentPort.postMessage(
      ++calls === 1 ? { error: 'disk I/O error' } : { busy: false, walPages: 3, checkpointedPages: 3 }));
    parentPort.postMessage({ ready: true });`;
  const { sqlite, checkpointer, write } = served(t, {
    startWorker: () => new Worker(flaky, { eval: true }),
  });
  const failed = checkpointer.nextCheckpoint();
  await write(1);
  t.equal(await failed, undefined);
  t.equal(autocheckpoint(sqlite), 1000, 'after a failure the connection checkpoints itself');
  const recovered = checkpointer.nextCheckpoint();
  await write(1);
  t.same(await recovered, { mode: 'PASSIVE', busy: false, walPages: 3, checkpointedPages: 3 });
  t.equal(autocheckpoint(sqlite), 0, 'and stops again once the worker succeeds');
});

t.test('closing stops the worker and gives checkpoints back to the connection', async (t) => {
  const { sqlite, checkpointer, write } = served(t);
  const first = checkpointer.nextCheckpoint();
  await write(10);
  await first;
  t.equal(autocheckpoint(sqlite), 0);
  await checkpointer.close();
  t.equal(autocheckpoint(sqlite), 1000);
  await write(1);
  t.equal(await checkpointer.nextCheckpoint(), undefined, 'no checkpoint runs after close');
});

/**
 * Frames in the WAL and frames copied back into the database, from the WAL index in the -shm file
 * (mxFrame at byte 16, nBackfill at byte 96, in the machine's byte order).
 */
function walProgress(databasePath: string): { frames: number; copied: number } {
  const shm = readFileSync(`${databasePath}-shm`);
  const read = (offset: number) =>
    endianness() === 'LE' ? shm.readUInt32LE(offset) : shm.readUInt32BE(offset);
  return { frames: read(16), copied: read(96) };
}

t.test('a serving app has its commits copied back by the worker', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  const databasePath = databaseUrlOf(app).slice('file:'.length);
  // A commit of a few pages: SQLite's own checkpoint waits for 1,000, so only the worker copies it.
  await ingestText(app, plainArticle());
  let progress = walProgress(databasePath);
  for (let waited = 0; progress.copied < progress.frames && waited < 5000; waited += 50) {
    await sleep(50);
    progress = walProgress(databasePath);
  }
  t.ok(progress.frames > 0, `the ingest is in the WAL (${progress.frames} frames)`);
  t.equal(progress.copied, progress.frames, 'and copied back within moments');
});
