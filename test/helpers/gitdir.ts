// Builds real git repositories from inline file trees: gitdir({ 'a.py': 'print(1)\n' }).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpDir } from './tmp.js';

/** A file tree: path → content. */
export type FileTree = Record<string, string>;

export const GIT_TEST_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Run git in `cwd` and return trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_TEST_ENV, encoding: 'utf8' }).trim();
}

/** Write a file tree under `root`. */
export function writeTree(root: string, tree: FileTree): void {
  for (const [rel, content] of Object.entries(tree)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A new git repo with `tree` committed on `main`. Returns the path and the commit sha. */
export function gitdir(tree: FileTree, dir = tmpDir('scylla-repo-')): { path: string; commit: string } {
  git(dir, 'init', '-q', '-b', 'main');
  writeTree(dir, tree);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return { path: dir, commit: git(dir, 'rev-parse', 'HEAD') };
}
