import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers of src, bottom to top: what each folder may import. The composition root (app.ts,
 * server.ts, cli.ts) may import anything; `config` is config.ts, whose types services and http read.
 */
const allowedImports: Record<string, { modules: string[]; typesOnly?: string[] }> = {
  lib: { modules: [] },
  config: { modules: ['lib'] },
  domain: { modules: ['lib'] },
  ingest: { modules: ['lib', 'domain'] },
  search: { modules: ['lib', 'domain'] },
  db: { modules: ['lib', 'domain', 'search', 'ingest'] },
  services: { modules: ['lib', 'domain', 'ingest', 'search'], typesOnly: ['config'] },
  http: { modules: ['lib', 'domain', 'services'], typesOnly: ['config'] },
};
const compositionRoot = 'root';

export interface Import {
  /** Path of the importing file, relative to src, with forward slashes. */
  from: string;
  /** Path of the imported file, relative to src. */
  to: string;
  typeOnly: boolean;
}

/** The layer a file in src belongs to: its top folder, `config`, or the composition root. */
function layerOf(file: string): string {
  const [top, ...rest] = file.split('/');
  if (rest.length > 0) return top!;
  return file === 'config.ts' ? 'config' : compositionRoot;
}

/** Every module specifier in a TypeScript source, static, re-exported, dynamic or in a type. */
export function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const namedTypesOnly =
        clause?.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.name === undefined &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      found.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: Boolean(clause?.isTypeOnly) || namedTypesOnly,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The file of src a relative specifier names, from the file that imports it (both relative to src). */
export function importedFile(from: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

/** The imports between files of src (packages and node: modules left out), read from disk. */
export function readImports(srcDirectory: string): Import[] {
  const files = readdirSync(srcDirectory, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mts)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => file.split(path.sep).join('/'));
  return files.flatMap((from) =>
    importsOf(readFileSync(path.join(srcDirectory, from), 'utf8'))
      .filter(({ specifier }) => specifier.startsWith('.'))
      .map(({ specifier, typeOnly }) => ({
        from,
        to: importedFile(from, specifier),
        typeOnly,
      })),
  );
}

/** Imports that break the layers: into a layer not allowed from there (upward, sideways, or unknown). */
export function layerViolations(imports: Import[]): string[] {
  const problems: string[] = [];
  for (const { from, to, typeOnly } of imports) {
    const source = layerOf(from);
    const target = layerOf(to);
    if (source === target || source === compositionRoot) continue;
    const allowed = allowedImports[source];
    if (!allowed) {
      problems.push(`${from} is in no known layer (${source}); add it to allowedImports`);
      continue;
    }
    if (allowed.modules.includes(target)) continue;
    if (typeOnly && allowed.typesOnly?.includes(target)) continue;
    problems.push(`${from} imports ${to}: ${source} may not import ${typeOnly ? 'types of ' : ''}${target}`);
  }
  return problems;
}

/** Cycles between layers, each as the path of layers that closes it, e.g. `db -> services -> db`. */
export function layerCycles(imports: Import[]): string[] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [source, target] = [layerOf(from), layerOf(to)];
    if (source === target) continue;
    if (!edges.has(source)) edges.set(source, new Set());
    edges.get(source)!.add(target);
  }
  const cycles: string[] = [];
  const done = new Set<string>();
  const walk = (layer: string, trail: string[]) => {
    const start = trail.indexOf(layer);
    if (start >= 0) {
      cycles.push([...trail.slice(start), layer].join(' -> '));
      return;
    }
    if (done.has(layer)) return;
    for (const next of edges.get(layer) ?? []) walk(next, [...trail, layer]);
    done.add(layer);
  };
  for (const layer of edges.keys()) walk(layer, []);
  return cycles;
}
