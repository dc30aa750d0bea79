// A run's commits carried between repositories as a git bundle: written from the repository that
// made them (a worker's clone), read into another that shares the base commit (the coordinator's
// base clone, or another worker's). The run's branch then points at the same commit in both.
import { GitError } from '../errors.js';
import { runGit } from './git.js';
import { deleteLooseRef, writeRef } from './run-repo.js';
import { withRepoLock } from './repo-lock.js';

/** Where a bundle's one ref lives while it is written and read (never a branch anyone checks out). */
const carrierRef = (branch: string) => `refs/scylla/carry/${branch}`;

/**
 * Write `commit` and its history since `base` into the bundle `file`, under the ref of `branch`.
 * `base` must be in every repository the bundle is read into (it is the experiment's base commit).
 * Returns false, writing nothing, when `commit` is `base` itself: there is nothing to carry (the
 * other side points the branch at the base with `setBranch`).
 */
export async function bundleCommit(opts: {
  repo: string;
  branch: string;
  commit: string;
  base: string;
  file: string;
}): Promise<boolean> {
  if (opts.commit === opts.base) return false;
  const ref = carrierRef(opts.branch);
  await withRepoLock(opts.repo, async () => {
    // The carrier ref as a file: one git process per bundle, not three.
    writeRef(opts.repo, ref, opts.commit);
    try {
      await runGit(opts.repo, ['bundle', 'create', '--quiet', opts.file, ref, `^${opts.base}`]);
    } finally {
      deleteLooseRef(opts.repo, ref);
    }
  });
  return true;
}

/** Read the bundle `file` (made by bundleCommit for `branch`) and point `branch` at `commit`. */
export async function fetchBundle(opts: {
  repo: string;
  branch: string;
  commit: string;
  file: string;
}): Promise<void> {
  await withRepoLock(opts.repo, async () => {
    // The objects only (checked against the bundle's prerequisites); the branch is then pointed,
    // at the commit the bundle says it carries (`<sha> <ref>` on stdout).
    const out = await runGit(opts.repo, ['bundle', 'unbundle', opts.file]);
    const tips = out.stdout.split('\n').map((l) => l.split(' ')[0]);
    if (!tips.includes(opts.commit))
      throw new GitError(['bundle', 'unbundle'], out.stdout, `the bundle does not carry ${opts.commit}`);
    writeRef(opts.repo, `refs/heads/${opts.branch}`, opts.commit);
  });
}

/** Point `branch` at `commit`, which the repository already has (e.g. the base commit). */
export async function setBranch(repo: string, branch: string, commit: string): Promise<void> {
  await withRepoLock(repo, () => pointBranch(repo, branch, commit));
}

async function pointBranch(repo: string, branch: string, commit: string): Promise<void> {
  // Refused unless the repository has the commit (the bundle's, or the base); then the ref file.
  const has = await runGit(repo, ['cat-file', '-e', `${commit}^{commit}`], { allowFail: true });
  if (has.exitCode !== 0) throw new GitError([], has.stderr, `${repo} has no commit ${commit}`);
  writeRef(repo, `refs/heads/${branch}`, commit);
}
