// Recording what changed in a workspace: committing the config and the agent's work, capturing the diff.
import { lstatSync, rmSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { GitError } from '../errors.js';
import { parseNameStatusZ, type ChangedFile } from './changed-file.js';
import { runGit } from './git.js';
import { headCommit } from './run-repo.js';

export { ChangedFileSchema, isFrameworkPath, type ChangedFile } from './changed-file.js';

/** A captured diff: the patch (applies with `git apply`, binary files included) and its files. */
export interface CapturedDiff {
  patch: string;
  files: ChangedFile[];
}

const MAX_PATCH_BYTES = 256 * 1024 * 1024;
// Neutralise repository settings that change the patch format (prefixes, external diff tools).
const DIFF_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '-M',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * Stage everything in the workspace (new untracked files included; files matched by the repo's
 * .gitignore are left out, as git does) and commit it. Returns the new HEAD, or null when there was
 * nothing to commit (commits the agent made itself are already in HEAD: diff from the config commit).
 */
export async function commitAgentChanges(ws: string, message: string): Promise<string | null> {
  await addWithStaleLockRecovery(ws, ['add', '-A']);
  return commitIfStaged(ws, message);
}

/**
 * Commit exactly `paths` (relative to `ws` or absolute inside it), including deletions, e.g. a
 * CLAUDE.md removed for T0/00. Paths are added even if the repo's .gitignore matches them: the config
 * must be committed so that it stays out of the agent's diff. Returns the new HEAD or null.
 */
export async function commitConfig(
  ws: string,
  paths: string[],
  message = '[scylla] Initialize test configuration',
): Promise<string | null> {
  const rel = paths.map((p) => (isAbsolute(p) ? relative(ws, p) : p)).filter((p) => p !== '');
  if (rel.length === 0) return null;
  const tracked = (await runGit(ws, ['ls-files', '-z', '--cached', '--', ...rel])).stdout.split('\0');
  // `git add` rejects a path that is neither on disk nor in the index (nothing to add or delete).
  const present = rel.filter((p) => onDisk(ws, p) || tracked.some((t) => t === p || t.startsWith(p + '/')));
  if (present.length === 0) return null;
  await addWithStaleLockRecovery(ws, ['add', '-A', '-f', '--', ...present]);
  return commitIfStaged(ws, message);
}

/** The diff `fromRef..toRef` of the workspace: `--binary` patch and per-file status. */
export async function captureDiff(ws: string, fromRef: string, toRef = 'HEAD'): Promise<CapturedDiff> {
  const range = [fromRef, toRef, '--'];
  // quotePath=false: UTF-8 names stay readable in the patch the judges read (git apply accepts both).
  const patchArgs = ['-c', 'core.quotePath=false', 'diff', '--binary', ...DIFF_FLAGS, ...range];
  // The two diffs are independent: run side by side.
  const [patchRun, names] = await Promise.all([
    runGit(ws, patchArgs, { maxBufferBytes: MAX_PATCH_BYTES }),
    runGit(ws, ['diff', '--name-status', '-z', ...DIFF_FLAGS, ...range]),
  ]);
  const patch = patchRun.stdout;
  // runProcess keeps the tail of an over-long output: a patch that lost its head is not a patch.
  if (patch !== '' && !patch.startsWith('diff --git ')) {
    throw new GitError(
      patchArgs,
      '',
      `the diff ${fromRef}..${toRef} in ${ws} is larger than ${MAX_PATCH_BYTES} bytes`,
    );
  }
  return { patch, files: parseNameStatusZ(names.stdout) };
}

async function commitIfStaged(ws: string, message: string): Promise<string | null> {
  const args = ['commit', '--quiet', '--no-verify', '-m', message];
  const r = await runGit(ws, args, { allowFail: true });
  // git commit exits 1 when nothing is staged (its other failures exit 128).
  if (r.exitCode === 1) return null;
  if (r.exitCode !== 0) throw new GitError(args, r.stderr);
  return headCommit(ws);
}

/** `git add`, removing an index.lock left by a git the agent ran and that was killed with it. */
async function addWithStaleLockRecovery(ws: string, args: string[]): Promise<void> {
  const r = await runGit(ws, args, { allowFail: true });
  if (r.exitCode === 0) return;
  if (!/index\.lock'?: File exists/i.test(r.stderr)) throw new GitError(args, r.stderr);
  // Only called after the agent's process group has ended, so no live git holds this lock.
  const lock = (
    await runGit(ws, ['rev-parse', '--path-format=absolute', '--git-path', 'index.lock'])
  ).stdout.trim();
  rmSync(lock, { force: true });
  await runGit(ws, args);
}

function onDisk(ws: string, rel: string): boolean {
  try {
    lstatSync(`${ws}/${rel}`);
    return true;
  } catch {
    return false;
  }
}
