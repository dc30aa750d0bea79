// Where the Scylla package itself lives: the directory of its package.json. Files shipped beside
// the code (package.json, src/view/assets, node_modules/.bin) are found from here, not from a
// module's own path, which differs between the sources (src/), the build (dist/) and the bundled
// CLI (dist/bundle/, where every module shares a few chunk files).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above `from` holding Scylla's package.json. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'scylla')
      return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of scylla above ${from}`);
  }
}

/** The root of the running Scylla package. */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
