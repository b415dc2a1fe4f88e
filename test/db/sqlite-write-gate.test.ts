import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { openDatabase } from '../../src/db/sqlite/connection.js';
import type * as WritesModule from '../../src/db/sqlite/writes.js';
import { createWriteGate, writeGateOf } from '../../src/db/sqlite/writes.js';

/** A file database with one table, removed when the test ends. */
function fileDatabase(t: Test) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-gate-'));
  const db = openDatabase(path.join(directory, 'gazette.db'));
  db.$client.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return db.$client;
}

/** A stand-in for fsync that the test finishes by hand, recording which file each flush was for. */
function manualSync() {
  const flushes: { file: string; finish: (error?: Error) => void }[] = [];
  const sync = (file: string) =>
    new Promise<void>((resolve, reject) => {
      flushes.push({ file, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { flushes, sync };
}

const turns = async (count = 5) => {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
};

t.test(
  'a write commits without an fsync on the event loop and answers once the WAL is flushed',
  async (t) => {
    const sqlite = fileDatabase(t);
    const { flushes, sync } = manualSync();
    const gate = createWriteGate(sqlite, sync);
    const insert = sqlite.prepare('INSERT INTO notes (text) VALUES (?)');
    const synchronous = () => sqlite.pragma('synchronous', { simple: true });

    let during: unknown;
    let answered = false;
    const write = gate
      .write(
        sqlite.transaction(() => {
          during = synchronous();
          insert.run('first');
        }).immediate,
      )
      .then(() => {
        answered = true;
      });
    await turns();
    t.equal(during, 1, 'the transaction commits under synchronous=NORMAL');
    t.equal(synchronous(), 2, 'and the connection is back to FULL for writes outside the gate');
    t.equal(sqlite.prepare('SELECT count(*) FROM notes').pluck().get(), 1, 'the commit is done');
    t.same(
      flushes.map((flush) => flush.file),
      [`${sqlite.name}-wal`],
      'one flush of the WAL file is under way',
    );
    t.notOk(answered, 'the write has not answered before its flush finished');
    flushes[0]!.finish();
    await write;
    t.ok(answered, 'it answers once the flush is done');
  },
);

t.test('commits made while a flush runs share the next one', async (t) => {
  const sqlite = fileDatabase(t);
  const { flushes, sync } = manualSync();
  const gate = createWriteGate(sqlite, sync);
  const insert = sqlite.transaction((text: string) =>
    sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run(text),
  );
  const answered: string[] = [];
  const write = (text: string) => gate.write(() => insert.immediate(text)).then(() => answered.push(text));

  const first = write('a');
  await turns();
  const later = [write('b'), write('c'), write('d')];
  await turns();
  t.equal(flushes.length, 1, 'the three later commits do not start flushes of their own');
  flushes[0]!.finish();
  await first;
  await turns();
  t.same(answered, ['a'], 'the first flush began before the later commits, so it answers only the first');
  t.equal(flushes.length, 2, 'one more flush covers the three');
  flushes[1]!.finish();
  await Promise.all(later);
  t.same(answered, ['a', 'b', 'c', 'd']);
  t.equal(flushes.length, 2);
});

t.test('a flush that fails answers 507; the next write flushes afresh', async (t) => {
  const sqlite = fileDatabase(t);
  const { flushes, sync } = manualSync();
  const gate = createWriteGate(sqlite, sync);
  const write = gate.write(() => sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run('lost?'));
  await turns();
  flushes[0]!.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await t.rejects(write, { status: 507, message: /failed to flush/ });
  // The next write goes through a fresh flush, and succeeds.
  const next = gate.write(() => sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run('kept'));
  await turns();
  flushes[1]!.finish();
  await next;
  t.equal(sqlite.prepare('SELECT count(*) FROM notes').pluck().get(), 2);
});

t.test('the real flush runs on the database file’s WAL; an in-memory database has none', async (t) => {
  const sqlite = fileDatabase(t);
  await writeGateOf(sqlite).write(() => sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run('on disk'));
  t.equal(sqlite.prepare('SELECT text FROM notes').pluck().get(), 'on disk');

  // The default flush opens the WAL file and fsyncs it before the write answers.
  const calls: string[] = [];
  const writes = await t.mockImport<typeof WritesModule>('../../src/db/sqlite/writes.js', {
    'node:fs/promises': {
      open: async (file: string) => {
        calls.push(`open ${file}`);
        return { sync: async () => calls.push('sync'), close: async () => calls.push('close') };
      },
    },
  });
  await writes
    .createWriteGate(sqlite)
    .write(() => sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run('flushed'));
  t.same(calls, [`open ${sqlite.name}-wal`, 'sync', 'close']);

  const memory = openDatabase(':memory:').$client;
  t.teardown(() => memory.close());
  memory.exec('CREATE TABLE notes (text TEXT)');
  const { flushes, sync } = manualSync();
  await createWriteGate(memory, sync).write(() => memory.prepare('INSERT INTO notes VALUES (?)').run('x'));
  t.equal(flushes.length, 0, 'nothing to flush');
});
