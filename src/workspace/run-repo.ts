// Per-run repositories: every run works in a git repository of its own whose object store borrows
// only the pristine task history (alternates to `task.git`, which never receives a run's commits),
// so inside a run `git branch -a`, `git log --all`, `git reflog` and even
// `git cat-file --batch-all-objects` show the task's history and the run's own commits, nothing of
// another run. The run's branch is fetched out to the experiment's archive (`repo/`) after each of
// its commits; a run whose directory vanished is made again from there.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GitError } from '../errors.js';
import { runGit } from './git.js';
import { withRepoLock } from './repo-lock.js';

/** The ref of the pinned commit in the base clone and the pristine store. */
const BASE_REF = 'refs/scylla/base';

/** A run repository's `.git/config`: nothing the agent wrote there survives into Scylla's git calls. */
const RUN_REPO_CONFIG = [
  '[core]',
  '\trepositoryformatversion = 0',
  '\tfilemode = true',
  '\tbare = false',
  '\tlogallrefupdates = true',
  '',
].join('\n');

/**
 * Make `<dest>` a bare repository holding exactly the history of `commit` from `baseClone` (no other
 * branch, tag or later commit of the task repository). Idempotent; built in a sibling and renamed.
 */
export async function ensurePristineStore(baseClone: string, commit: string, dest: string): Promise<void> {
  const have = await runGit(dest, ['rev-parse', '--verify', '--quiet', `${BASE_REF}^{commit}`], {
    allowFail: true,
  }).catch(() => null);
  if (have?.exitCode === 0 && have.stdout.trim() === commit) return;
  await runGit(baseClone, ['update-ref', BASE_REF, commit]);
  const tmp = `${dest}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await runGit(tmp, ['init', '--quiet', '--bare', '--template=']);
    await runGit(tmp, ['fetch', '--quiet', '--no-tags', resolve(baseClone), `+${BASE_REF}:${BASE_REF}`]);
    // A shallow base clone makes a shallow store: its run repositories need the same boundary.
    rmSync(dest, { recursive: true, force: true });
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where one run repository lives and what it starts from. */
export interface RunRepoOptions {
  /** The run's workspace, e.g. `<runDir>/workspace`. */
  path: string;
  /** The run's only branch. */
  branch: string;
  /** The commit the branch starts at (in the pristine store). */
  commit: string;
  /** The pristine store (see ensurePristineStore). */
  store: string;
}

/** Alternates, shallow boundary and config of a run repository, (re)written by Scylla. */
function writeRepoFiles(gitDir: string, store: string): void {
  mkdirSync(join(gitDir, 'objects', 'info'), { recursive: true });
  writeFileSync(join(gitDir, 'objects', 'info', 'alternates'), `${join(resolve(store), 'objects')}\n`);
  const shallow = join(store, 'shallow');
  if (existsSync(shallow)) copyFileSync(shallow, join(gitDir, 'shallow'));
  writeFileSync(join(gitDir, 'config'), RUN_REPO_CONFIG);
}

/**
 * Create the run's repository at `path` on its branch at `commit`, files checked out. Whatever an
 * earlier attempt of this run left at `path` is removed first (only runs being redone get here).
 */
export async function createRunRepo(opts: RunRepoOptions): Promise<void> {
  const path = resolve(opts.path);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  await runGit(path, ['init', '--quiet', '--template=']);
  writeRepoFiles(join(path, '.git'), opts.store);
  const r = await runGit(path, ['update-ref', `refs/heads/${opts.branch}`, opts.commit], { allowFail: true });
  if (r.exitCode !== 0)
    throw new GitError(
      ['update-ref'],
      r.stderr,
      `commit ${opts.commit} is not in the task history ${opts.store}`,
    );
  await runGit(path, ['symbolic-ref', 'HEAD', `refs/heads/${opts.branch}`]);
  await runGit(path, ['reset', '--quiet', '--hard']);
}

/**
 * After the agent (or anything else) had the repository in hand: Scylla's own config, alternates and
 * shallow boundary again, so a filter driver or an alternates path the agent wrote never reaches
 * Scylla's git commands.
 */
export function resealRunRepo(path: string, store: string): void {
  const gitDir = join(resolve(path), '.git');
  if (existsSync(gitDir)) writeRepoFiles(gitDir, store);
}

/** Copy the run's branch (its commits) into the experiment's archive repository. */
export async function publishRunBranch(archive: string, path: string, branch: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  await withRepoLock(archive, () =>
    runGit(archive, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      resolve(path),
      `+${ref}:${ref}`,
    ]),
  );
}

/**
 * The run repository at `path` again after its directory vanished: created at the commit of the
 * run's branch in the archive (with the commits published so far), or at `commit` when the archive
 * has no such branch yet.
 */
export async function restoreRunRepo(opts: RunRepoOptions & { archive: string }): Promise<void> {
  const ref = `refs/heads/${opts.branch}`;
  const tip = await runGit(opts.archive, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowFail: true,
  });
  await createRunRepo(opts);
  if (tip.exitCode !== 0) return;
  await runGit(opts.path, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--no-write-fetch-head',
    '--update-head-ok',
    resolve(opts.archive),
    `+${ref}:${ref}`,
  ]);
  await runGit(opts.path, ['reset', '--quiet', '--hard', tip.stdout.trim()]);
}

/** Remove a run repository (a missing one is fine). */
export function removeRunRepo(path: string): void {
  rmSync(resolve(path), { recursive: true, force: true });
}

/** Is `path` the top of a run repository (a `.git` directory, as createRunRepo makes)? */
export function runRepoExists(path: string): boolean {
  return existsSync(join(path, '.git', 'HEAD'));
}

/**
 * Put a run repository back exactly at `ref`: tracked files reset and, unless `keepUntracked`,
 * every untracked and ignored file removed (what a killed earlier attempt left behind).
 */
export async function resetRunRepo(
  ws: string,
  ref: string,
  opts: { keepUntracked?: boolean } = {},
): Promise<void> {
  await runGit(ws, ['reset', '-q', '--hard', ref]);
  if (!opts.keepUntracked) await runGit(ws, ['clean', '-q', '-fdx']);
}
