/**
 * Builds what `npm start` serves: Gazette and its dependencies bundled into a few files in `dist/`.
 * Node finding, reading and compiling hundreds of modules one by one was most of the start-up time:
 * at 100,000 articles the first answer came about 1.0 s after the process started, 0.7 s bundled.
 * Types are checked by `npm run typecheck`, not here.
 *
 * Usage: tsx scripts/build.ts [outdir]
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The command line and the three worker threads, each started from its own file. */
const entryPoints = [
  'src/cli.ts',
  'src/services/parse-worker.ts',
  'src/db/sqlite/read-worker.ts',
  'src/db/sqlite/checkpoint-worker.ts',
];

/**
 * Loaded from node_modules as they are: a native addon, optional native code, and packages that
 * start worker threads or serve assets by paths relative to their own files.
 */
const external = ['better-sqlite3', 'pg', 'pg-native', 'piscina', 'pino', '@fastify/swagger-ui'];

/** Bundled CommonJS code calls `require`, which ES modules lack (renamed: a module may import its own). */
const requireShim =
  "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);";

export async function buildBundle(outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Flat, so each pool finds its worker beside the code that starts it (`./parse-worker.js`).
    entryNames: '[name]',
    outdir,
    external,
    banner: { js: requireShim },
    logLevel: 'silent',
  });
  if (result.warnings.length > 0)
    throw new Error(`the bundle has warnings:\n${result.warnings.map((w) => w.text).join('\n')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await buildBundle(path.resolve(root, process.argv[2] ?? 'dist'));
