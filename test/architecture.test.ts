import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  type Import,
  importedFile,
  importsOf,
  layerCycles,
  layerViolations,
  readImports,
} from './support/layers.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

/**
 * The packages a module of src loads when it runs, through every module it loads in turn, each with
 * a file that imports it.
 */
function packagesLoadedBy(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const visited = new Set<string>();
  const visit = (file: string) => {
    if (visited.has(file)) return;
    visited.add(file);
    for (const { specifier, typeOnly } of importsOf(readFileSync(path.join(src, file), 'utf8'))) {
      if (typeOnly || specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) visit(importedFile(file, specifier));
      else packages.set(specifier, file);
    }
  };
  visit(entry);
  return packages;
}

t.test('src: every import goes down the layers, and no layers import each other in a cycle', async (t) => {
  const imports = readImports(src);
  t.ok(imports.length > 100, 'the imports of src are read');
  t.same(layerViolations(imports), [], 'no import reaches a layer above or beside its own');
  t.same(layerCycles(imports), [], 'no cycle between layers');
});

/**
 * Imports that let an engine show above src/db: outside it only db/open.ts is imported (it picks the
 * engine); inside it, each engine's folder keeps to itself and the shared modules know neither.
 */
function engineLeaks(imports: Import[]): string[] {
  const engineOf = (file: string) => /^db\/(sqlite|postgres)\//.exec(file)?.[1];
  return imports.flatMap(({ from, to }) => {
    if (!to.startsWith('db/')) return [];
    if (!from.startsWith('db/'))
      return to === 'db/open.ts' ? [] : [`${from} imports ${to}: outside src/db, import db/open.ts only`];
    const [source, target] = [engineOf(from), engineOf(to)];
    if (target === undefined || source === target || from === 'db/open.ts') return [];
    return [`${from} imports ${to}: only db/open.ts and db/${target} itself import db/${target}`];
  });
}

t.test('src: nothing above src/db knows the engine; each engine folder is its own', async (t) => {
  const imports = readImports(src);
  t.ok(
    imports.some(({ to }) => to.startsWith('db/sqlite/')) &&
      imports.some(({ to }) => to.startsWith('db/postgres/')),
    'both engine folders are imported',
  );
  t.same(engineLeaks(imports), []);
});

t.test(
  'the engine check fails a route, a shared module or the other engine reaching into a folder',
  async (t) => {
    const leak = (from: string, to: string): Import => ({ from, to, typeOnly: true });
    t.same(engineLeaks([leak('services/catalog.ts', 'db/sqlite/schema.ts')]), [
      'services/catalog.ts imports db/sqlite/schema.ts: outside src/db, import db/open.ts only',
    ]);
    t.equal(engineLeaks([leak('app.ts', 'db/cursors.ts')]).length, 1, 'the root too goes through open.ts');
    t.equal(engineLeaks([leak('db/cursors.ts', 'db/postgres/schema.ts')]).length, 1, 'shared modules');
    t.equal(engineLeaks([leak('db/postgres/pages.ts', 'db/sqlite/statements.ts')]).length, 1, 'engines');
    t.same(
      engineLeaks([
        leak('app.ts', 'db/open.ts'),
        leak('db/open.ts', 'db/sqlite/storage.ts'),
        leak('db/open.ts', 'db/postgres/storage.ts'),
        leak('db/sqlite/pages.ts', 'db/sqlite/schema.ts'),
        leak('db/sqlite/pages.ts', 'db/cursors.ts'),
        leak('db/postgres/storage.ts', 'db/open.ts'),
      ]),
      [],
    );
  },
);

t.test('a read worker loads no zod: it would cost each worker about 10 MB', async (t) => {
  const packages = packagesLoadedBy('db/sqlite/read-worker.ts');
  t.ok(packages.has('better-sqlite3'), 'the walk reaches the connection');
  t.equal(packages.get('zod'), undefined, 'no module the worker loads imports zod');
});

t.test('the reader finds every kind of import', async (t) => {
  const source = `
    import { a } from './a.js';
    import type { B } from '../b.js';
    import { type C } from './c.js';
    import D, { type E } from './d.js';
    export { f } from './f.js';
    export type { G } from './g.js';
    const h = await import('./h.js');
    let i: import('./i.js').I;
    import 'node:fs';`;
  t.same(importsOf(source), [
    { specifier: './a.js', typeOnly: false },
    { specifier: '../b.js', typeOnly: true },
    { specifier: './c.js', typeOnly: true },
    { specifier: './d.js', typeOnly: false },
    { specifier: './f.js', typeOnly: false },
    { specifier: './g.js', typeOnly: true },
    { specifier: './h.js', typeOnly: false },
    { specifier: './i.js', typeOnly: true },
    { specifier: 'node:fs', typeOnly: false },
  ]);
});

t.test('the checker fails an upward import, a forbidden config import and a cycle', async (t) => {
  const upward: Import = { from: 'db/articles.ts', to: 'services/catalog.ts', typeOnly: true };
  t.same(layerViolations([upward]), [
    'db/articles.ts imports services/catalog.ts: db may not import types of services',
  ]);
  const sideways: Import = { from: 'search/query.ts', to: 'ingest/parse.ts', typeOnly: false };
  t.equal(layerViolations([sideways]).length, 1, 'peers do not import each other');
  const configValue: Import = { from: 'services/index.ts', to: 'config.ts', typeOnly: false };
  const configType: Import = { ...configValue, typeOnly: true };
  t.equal(layerViolations([configValue]).length, 1, 'services read only the types of config');
  t.same(layerViolations([configType]), []);
  t.match(layerViolations([{ from: 'jobs/run.ts', to: 'lib/x.ts', typeOnly: false }]), [/no known layer/]);
  t.same(layerViolations([{ from: 'app.ts', to: 'db/index.ts', typeOnly: false }]), [], 'the root wires');

  const cycle: Import[] = [
    { from: 'domain/a.ts', to: 'lib/b.ts', typeOnly: false },
    { from: 'lib/b.ts', to: 'search/c.ts', typeOnly: true },
    { from: 'search/c.ts', to: 'domain/d.ts', typeOnly: false },
  ];
  t.same(layerCycles(cycle), ['domain -> lib -> search -> domain']);
  t.same(layerCycles(cycle.slice(0, 2)), [], 'a chain is no cycle');
});
