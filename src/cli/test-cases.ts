// Which test cases a `scylla run` names: one or more --tiers-dir, or every test case below --tests-dir
// (a directory holding test.yaml), optionally filtered by --tests GLOB on the directory name.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** `*` and `?` glob → anchored regex. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** Test-case directories below `root` (any depth), sorted. */
export function findTestCases(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'test.yaml'))) {
      out.push(dir);
      return;
    }
    if (depth > 6) return;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
        walk(join(dir, e.name), depth + 1);
  };
  walk(root, 0);
  return out.sort();
}

export function selectTestCases(opts: { tiersDirs?: string[]; testsDir?: string; tests?: string }): string[] {
  const dirs = (opts.tiersDirs ?? []).map((d) => resolve(d));
  if (opts.testsDir) {
    const root = resolve(opts.testsDir);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new UsageError(`--tests-dir ${root} is not a directory`);
    const re = opts.tests ? globToRegExp(opts.tests) : null;
    const found = findTestCases(root).filter((d) => !re || re.test(basename(d)));
    if (found.length === 0)
      throw new UsageError(
        `no test case (a directory with test.yaml) below ${root}${opts.tests ? ` matching ${opts.tests}` : ''}`,
      );
    dirs.push(...found);
  }
  if (dirs.length === 0) throw new UsageError('give --tiers-dir DIR (repeatable) or --tests-dir DIR');
  return [...new Set(dirs)];
}
