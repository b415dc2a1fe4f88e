import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

/**
 * The committed document passes Redocly's recommended rules and Spectral's OpenAPI and OWASP rules
 * with no error and no warning; rules turned off are listed, each with its reason, in redocly.yaml
 * and .spectral.yaml. Both rulesets come from npm packages, so this needs no network.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const options = {
  cwd: root,
  timeout: 90_000,
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
};

t.test('Redocly lint (recommended): no errors, no warnings', async (t) => {
  const { stdout } = await run(
    bin('redocly'),
    ['lint', 'openapi/openapi.json', '--format=json'],
    options,
  ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number } };
  t.same(report.totals, { errors: 0, warnings: 0, ignored: 0 }, 'totals', { report: stdout.slice(0, 4000) });
});

t.test('Spectral lint (spectral:oas + OWASP): no problems of any severity', async (t) => {
  const { stdout } = await run(
    bin('spectral'),
    ['lint', 'openapi/openapi.json', '--ruleset', '.spectral.yaml', '--format=json', '--quiet'],
    options,
  ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  // No output at all means Spectral itself failed (a ruleset it could not load): that fails too.
  const problems = JSON.parse(stdout) as { code: string; message: string; path: string[] }[];
  t.same(
    problems.map((problem) => `${problem.code} at ${problem.path.join('.')}: ${problem.message}`),
    [],
  );
});
