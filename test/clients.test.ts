import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { freePort } from './support/processes.js';

/**
 * Clients generated from openapi/openapi.json by three generators (openapi-typescript with
 * openapi-fetch, @hey-api/openapi-ts, orval) compile under `tsc --strict` and drive a running Gazette
 * through reads, conditional GET, problems and every kind of ingest, with no hand-written glue: each
 * script in test/clients/e2e/ uses only the generated functions and the API key.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const clients = path.join(root, 'test/clients');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const apiKey = 'client-test-key-0123456789abcdef';
// Every step is bounded, so a hung generator or server fails the test instead of stalling it.
const stepTimeout = 90_000;

async function untilReady(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + stepTimeout;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready');
}

t.test('generated clients work against a running server', async (t) => {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-clients-'));
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${path.join(directory, 'gazette.db')}`,
      API_KEYS: apiKey,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  t.teardown(() => {
    server.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  });

  const generated = path.join(clients, 'generated');
  rmSync(generated, { recursive: true, force: true });
  const options = { cwd: clients, timeout: stepTimeout, env: { ...process.env, GAZETTE_URL: baseUrl } };
  await Promise.all([
    run(
      bin('openapi-typescript'),
      ['../../openapi/openapi.json', '-o', 'generated/openapi-typescript/schema.d.ts'],
      options,
    ),
    run(bin('openapi-ts'), ['-i', '../../openapi/openapi.json', '-o', 'generated/hey-api'], options),
    run(bin('orval'), ['--config', 'orval.config.mjs'], options),
  ]);
  t.pass('three clients generated');

  const compiled = await run(bin('tsc'), ['--strict', '-p', 'tsconfig.json'], options).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  t.equal(compiled, '', 'the clients and their scripts compile with tsc --strict');

  await untilReady(baseUrl, server);
  // One client at a time: each ingests its own articles, and the cursor walk counts what is there.
  for (const client of ['openapi-fetch', 'hey-api', 'orval']) {
    const result = await run(process.execPath, ['--import', 'tsx', `e2e/${client}.ts`], {
      ...options,
      env: { ...options.env, GAZETTE_KEY: apiKey, GAZETTE_CLIENT: client },
    }).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? String(error)}`,
      }),
    );
    t.ok(result.ok, `${client}: every step passes`, { output: result.output.slice(-2000) });
  }
});
