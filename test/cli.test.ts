import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { buildCommandApp, withApp } from '../src/command-app.js';
import { loadConfig } from '../src/config.js';
import { plainArticle } from './support/app.js';

const run = promisify(execFile);
const gazette = path.resolve(import.meta.dirname, '../bin/gazette.js');

/** Runs `gazette …` in a child process; resolves with its exit code and output, never rejects. */
async function cli(args: string[], environment: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [gazette, ...args], {
      env: { PATH: process.env.PATH, ...environment },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

t.test('gazette CLI', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-cli-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const env = { DATABASE_URL: `file:${path.join(directory, 'gazette.db')}` };

  t.test('--help lists the commands', async (t) => {
    const { code, stdout } = await cli(['--help'], env);
    t.equal(code, 0);
    for (const command of [
      'serve',
      'migrate',
      'seed',
      'ingest',
      'reparse',
      'keys',
      'backup',
      'restore',
      'openapi',
    ])
      t.match(stdout, command);
  });

  t.test('a bad configuration value exits 1 with one line naming the variable', async (t) => {
    const { code, stderr } = await cli(['migrate'], { ...env, PORT: 'eighty' });
    t.equal(code, 1);
    t.equal(stderr.trim().split('\n').length, 1);
    t.match(stderr, /^gazette: invalid PORT="eighty"/);
  });

  t.test('migrate applies the schema', async (t) => {
    const { code, stdout } = await cli(['migrate'], env);
    t.equal(code, 0);
    t.match(stdout, /migrations applied/);
  });

  t.test('ingest reads files and directories, summarises, and fails when any file fails', async (t) => {
    const inbox = path.join(directory, 'inbox');
    mkdirSync(path.join(inbox, 'nested'), { recursive: true });
    writeFileSync(path.join(inbox, 'one.txt'), plainArticle({ title: 'Ferry timetable changes for winter' }));
    writeFileSync(
      path.join(inbox, 'nested', 'two.json'),
      JSON.stringify({ raw: plainArticle({ title: 'Bakery wins regional prize' }), tags: ['Food'] }),
    );
    writeFileSync(path.join(inbox, 'bad.txt'), '   ');
    writeFileSync(path.join(inbox, 'ignored.png'), 'not an article');
    const first = await cli(['ingest', inbox], env);
    t.equal(first.code, 1);
    t.match(first.stdout, '2 created, 0 duplicate, 1 rejected');
    t.match(first.stderr, /rejected .*bad\.txt/);

    const again = await cli(['ingest', path.join(inbox, 'one.txt')], env);
    t.equal(again.code, 0);
    t.match(again.stdout, '0 created, 1 duplicate, 0 rejected');
  });

  t.test('reparse rewrites stored articles in place', async (t) => {
    const { code, stdout } = await cli(['reparse'], env);
    t.equal(code, 0);
    t.match(stdout, '2 articles updated, 0 failed');
  });

  t.test('keys create, list and revoke', async (t) => {
    const created = await cli(['keys', 'create', '--name', 'newsroom', '--scopes', 'ingest,write'], env);
    t.equal(created.code, 0);
    const [, id, key] = created.stdout.match(/^key (\d+) \(ingest, write\): (gz_\S+)$/m) ?? [];
    t.ok(id && key, created.stdout);

    const listed = await cli(['keys', 'list'], env);
    t.match(
      listed.stdout,
      new RegExp(`^${id}\\t${key!.slice(0, 8)}…\\tnewsroom\\tingest,write\\tactive$`, 'm'),
    );
    t.notMatch(listed.stdout, key!, 'the secret is never listed');

    t.equal((await cli(['keys', 'revoke', id!], env)).code, 0);
    t.match((await cli(['keys', 'list'], env)).stdout, /\trevoked /);
    const again = await cli(['keys', 'revoke', id!], env);
    t.equal(again.code, 1);
    t.match(again.stderr, /^gazette: No live API key has the id/);
    t.equal((await cli(['keys', 'create', '--name', 'x', '--scopes', 'root'], env)).code, 1);
  });
});

t.test('a command that throws still closes its app', async (t) => {
  const config = loadConfig({ DATABASE_URL: 'file::memory:' });
  let opened: Awaited<ReturnType<typeof buildCommandApp>> | undefined;
  const failing = withApp(
    async () => {
      opened = await buildCommandApp(config);
      return opened;
    },
    async () => {
      throw new Error('the command failed');
    },
  );
  await t.rejects(failing, /the command failed/, 'the error reaches the caller');
  await t.rejects(opened!.services.apiKeys.listKeys(), /not open/, 'the database is closed');
});
