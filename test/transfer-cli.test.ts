import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const gazette = path.resolve(import.meta.dirname, '../bin/gazette.js');

/** Runs `gazette …` in a child process; resolves with its exit code and output, never rejects. */
async function cli(args: string[], databasePath: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [gazette, ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: `file:${databasePath}` },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

t.test('gazette export and gazette import', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-transfer-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const source = path.join(directory, 'source.db');
  const target = path.join(directory, 'target.db');
  const file = path.join(directory, 'export.ndjson');
  t.equal((await cli(['seed'], source)).code, 0);

  const exported = await cli(['export', '--output', file], source);
  t.equal(exported.code, 0, exported.stderr);
  t.match(exported.stderr, /exported 8 lines to /);
  t.notOk(existsSync(`${file}.partial`), 'the partial file became the export');
  const toStdout = await cli(['export'], source);
  t.equal(toStdout.stdout, readFileSync(file, 'utf8'), 'standard output gets the same NDJSON');

  const again = await cli(['export', '--output', file], source);
  t.equal(again.code, 1);
  t.match(again.stderr, /^gazette: .*exists already; export to a new file\n$/);

  const imported = await cli(['import', file], target);
  t.equal(imported.code, 0, imported.stderr);
  t.match(imported.stdout, /imported 8 lines from /);
  t.equal((await cli(['export'], target)).stdout, toStdout.stdout, 'the imported database exports the same');

  const refused = await cli(['import', file], target);
  t.equal(refused.code, 1);
  t.match(
    refused.stderr,
    /gazette: the database is not empty \(it has articles.*\); import only into a new database\n$/,
  );
  const missing = await cli(['import', path.join(directory, 'nothing.ndjson')], path.join(directory, 'x.db'));
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^gazette: cannot read .*nothing\.ndjson: ENOENT/);
});
