// Where the Scylla package itself lives: the directory of its package.json. Files shipped beside
// the code (package.json, src/view/assets, node_modules/.bin) are found from here, not from a
// module's own path, which differs between the sources (src/), the build (dist/) and the bundled
// CLI (dist/bundle/, where every module shares a few chunk files).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Scylla's package.json: the directory it is in and the version it names. */
export interface ScyllaPackage {
  root: string;
  version: string;
}

/** The package.json of Scylla nearest above `from` (read once: the version comes with it). */
export function findPackage(from: string): ScyllaPackage {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'scylla') return { root: dir, version: String(manifest.version) };
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of scylla above ${from}`);
  }
}

const PACKAGE = findPackage(dirname(fileURLToPath(import.meta.url)));

/** The root of the running Scylla package. */
export const PACKAGE_ROOT: string = PACKAGE.root;

/** The version in its package.json. */
export const PACKAGE_VERSION: string = PACKAGE.version;
