import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Gazette's package.json: the nearest one above this module. The sources
 * (`src/lib/`) and the bundle (`dist/`, one file for many modules) sit at different depths, so files
 * shipped beside the code are found from here rather than from each module's own place.
 */
function findPackageRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

const packageRoot = findPackageRoot();

/** A file or folder shipped with Gazette (migrations, seeds, the OpenAPI document), whatever the cwd. */
export function packagePath(...segments: string[]): string {
  return path.join(packageRoot, ...segments);
}
