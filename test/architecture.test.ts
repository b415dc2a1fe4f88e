import { fileURLToPath } from 'node:url';
import t from 'tap';
import { type Import, importsOf, layerCycles, layerViolations, readImports } from './support/layers.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

t.test('src: every import goes down the layers, and no layers import each other in a cycle', async (t) => {
  const imports = readImports(src);
  t.ok(imports.length > 100, 'the imports of src are read');
  t.same(layerViolations(imports), [], 'no import reaches a layer above or beside its own');
  t.same(layerCycles(imports), [], 'no cycle between layers');
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
