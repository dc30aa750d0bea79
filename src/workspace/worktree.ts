// Per-run git worktrees on the shared base clone: create (recovering an interrupted attempt),
// remove (idempotent, frees the disk), and look-ups of branches and worktrees.
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GitError } from '../errors.js';
import { runGit } from './git.js';
import { withRepoLock } from './repo-lock.js';

export { branchName, branchPrefix } from './branch-name.js';

/** What `createWorktree` makes. */
export interface CreateWorktreeOptions {
  /** The base clone. */
  baseRepo: string;
  /** The worktree directory, e.g. `<runDir>/workspace`. */
  path: string;
  /** The run's branch (see `branchName`). */
  branch: string;
  /** The commit the branch starts at. */
  commit: string;
}

/**
 * Create a worktree on a new branch at `commit`. If the branch or directory is left over from an
 * interrupted attempt of this run, it is removed first: the engine calls this only for runs being
 * (re)executed, never for finalised ones, so nothing of value is lost.
 */
export async function createWorktree(opts: CreateWorktreeOptions): Promise<void> {
  await withRepoLock(opts.baseRepo, () => addWorktree(opts));
}

async function addWorktree(opts: CreateWorktreeOptions): Promise<void> {
  const path = resolve(opts.path);
  const stale = (await branchTip(opts.baseRepo, opts.branch)) !== null || isNonEmptyDir(path);
  if (stale) await clearStale(opts.baseRepo, path, opts.branch);
  mkdirSync(dirname(path), { recursive: true });
  const args = ['worktree', 'add', '--quiet', '-b', opts.branch, path, opts.commit];
  const r = await runGit(opts.baseRepo, args, { allowFail: true });
  if (r.exitCode === 0) return;
  if (/invalid reference|not a valid|unknown revision/i.test(r.stderr)) {
    throw new GitError(args, r.stderr, `commit ${opts.commit} is not in the base clone ${opts.baseRepo}`);
  }
  throw new GitError(args, r.stderr);
}

/**
 * Check an existing branch out again at `path` after its worktree directory vanished (the branch
 * keeps the run's commits). A non-worktree directory at `path` is replaced.
 */
export async function restoreWorktree(opts: {
  baseRepo: string;
  path: string;
  branch: string;
}): Promise<void> {
  await withRepoLock(opts.baseRepo, () => checkOutAgain(opts));
}

async function checkOutAgain(opts: { baseRepo: string; path: string; branch: string }): Promise<void> {
  const path = resolve(opts.path);
  if ((await branchTip(opts.baseRepo, opts.branch)) === null) {
    throw new GitError(
      [],
      '',
      `cannot restore the worktree at ${path}: branch ${opts.branch} is not in ${opts.baseRepo}`,
    );
  }
  await runGit(opts.baseRepo, ['worktree', 'prune']);
  const elsewhere = (await listWorktrees(opts.baseRepo)).find(
    (wt) => wt.branch === `refs/heads/${opts.branch}` && !samePath(wt.path, path),
  );
  if (elsewhere) {
    throw new GitError(
      [],
      '',
      `cannot restore the worktree at ${path}: ${opts.branch} is checked out at ${elsewhere.path}`,
    );
  }
  if ((await worktreeExists(path)) && (await currentBranch(path)) === `refs/heads/${opts.branch}`) return;
  await runGit(opts.baseRepo, ['worktree', 'remove', '--force', '--force', path], { allowFail: true });
  rmSync(path, { recursive: true, force: true });
  await runGit(opts.baseRepo, ['worktree', 'prune']);
  mkdirSync(dirname(path), { recursive: true });
  await runGit(opts.baseRepo, ['worktree', 'add', '--quiet', path, opts.branch]);
}

/** Remove the worktree at `path` (even with uncommitted changes) and its directory; a missing path is fine. */
export async function removeWorktree(baseRepo: string, path: string): Promise<void> {
  await withRepoLock(baseRepo, () => dropWorktree(baseRepo, path));
}

async function dropWorktree(baseRepo: string, path: string): Promise<void> {
  const abs = resolve(path);
  if (!existsSync(baseRepo)) {
    rmSync(abs, { recursive: true, force: true });
    return;
  }
  if (existsSync(abs)) {
    // Fails for directories that are not registered worktrees (or hold submodules): delete those ourselves.
    await runGit(baseRepo, ['worktree', 'remove', '--force', '--force', abs], { allowFail: true });
    rmSync(abs, { recursive: true, force: true });
  }
  await runGit(baseRepo, ['worktree', 'prune']);
}

/** Delete a branch of the base clone; a missing branch is fine. */
export async function deleteBranch(baseRepo: string, branch: string): Promise<void> {
  await withRepoLock(baseRepo, () => runGit(baseRepo, ['branch', '-D', branch], { allowFail: true }));
}

/** The commit a branch of the base clone points at, or null if there is no such branch. */
export async function branchTip(baseRepo: string, branch: string): Promise<string | null> {
  const r = await runGit(baseRepo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    allowFail: true,
  });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** Is `path` the top directory of a git worktree (not merely an existing directory)? */
export async function worktreeExists(path: string): Promise<boolean> {
  if (!existsSync(join(path, '.git'))) return false;
  const r = await runGit(path, ['rev-parse', '--show-toplevel'], { allowFail: true });
  return r.exitCode === 0 && r.stdout.trim() === realpathSync(path);
}

async function currentBranch(ws: string): Promise<string | null> {
  const r = await runGit(ws, ['symbolic-ref', '--quiet', 'HEAD'], { allowFail: true });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** Remove every trace of an earlier attempt: worktrees holding the branch or at `path`, the directory, the branch. */
async function clearStale(baseRepo: string, path: string, branch: string): Promise<void> {
  await runGit(baseRepo, ['worktree', 'prune']);
  for (const wt of await listWorktrees(baseRepo)) {
    if (wt.path !== '' && (wt.branch === `refs/heads/${branch}` || samePath(wt.path, path))) {
      await runGit(baseRepo, ['worktree', 'remove', '--force', '--force', wt.path], { allowFail: true });
      rmSync(wt.path, { recursive: true, force: true });
    }
  }
  rmSync(path, { recursive: true, force: true });
  await runGit(baseRepo, ['worktree', 'prune']);
  await runGit(baseRepo, ['branch', '-D', branch], { allowFail: true });
}

/** Linked worktrees of `baseRepo` (the main working tree is left out: it is never ours to remove). */
async function listWorktrees(baseRepo: string): Promise<{ path: string; branch?: string }[]> {
  const out = (await runGit(baseRepo, ['worktree', 'list', '--porcelain'])).stdout;
  const blocks = out.split('\n\n').filter((b) => b.trim() !== '');
  return blocks.slice(1).map((b) => {
    const lines = b.split('\n');
    const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length) ?? '';
    const branch = lines.find((l) => l.startsWith('branch '))?.slice('branch '.length);
    return { path, branch };
  });
}

function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function isNonEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

/**
 * Put a worktree back exactly at `ref`: tracked files reset and, unless `keepUntracked`, every
 * untracked and ignored file removed (what a killed earlier attempt left behind).
 */
export async function resetWorktree(
  ws: string,
  ref: string,
  opts: { keepUntracked?: boolean } = {},
): Promise<void> {
  await runGit(ws, ['reset', '-q', '--hard', ref]);
  if (!opts.keepUntracked) await runGit(ws, ['clean', '-q', '-fdx']);
}
