// Tool caches inside a worktree: remember which existed before the pipeline, remove the ones it created.
import { rmSync } from 'node:fs';
import { walkTree } from '../util/walk.js';

/** Directory names that tools create as caches next to the code (pytest plugins: benchmark, hypothesis). */
const CACHE_DIRS = new Set([
  '__pycache__',
  '.pytest_cache',
  '.ruff_cache',
  '.mypy_cache',
  '.benchmarks',
  '.hypothesis',
]);
/** Never descended into: VCS data and installed dependencies (the caller removes the worktree). */
const PRUNE = new Set(['.git', 'node_modules']);
const MAX_ENTRIES = 100_000;

/** Absolute paths of cache directories under `root`. */
export function findCacheDirs(root: string): Set<string> {
  const found = new Set<string>();
  walkTree(root, MAX_ENTRIES, (e, p) => {
    if (!e.isDirectory() || PRUNE.has(e.name)) return false;
    if (!CACHE_DIRS.has(e.name)) return true;
    found.add(p);
    return false;
  });
  return found;
}

/** Remove cache directories under `root` that are not in `before`; returns what was removed. */
export function removeNewCacheDirs(root: string, before: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const p of findCacheDirs(root)) {
    if (before.has(p)) continue;
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed.sort();
}
