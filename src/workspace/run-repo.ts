// Per-run repositories: every run works in a git repository of its own whose object store borrows
// only the pristine task history (alternates to `task.git`, which never receives a run's commits),
// so inside a run `git branch -a`, `git log --all`, `git reflog` and even
// `git cat-file --batch-all-objects` show the task's history and the run's own commits, nothing of
// another run. The run's branch is fetched out to the experiment's archive (`repo/`) after each of
// its commits; a run whose directory vanished is made again from there.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GitError } from '../errors.js';
import { runGit } from './git.js';

/** The ref of the pinned commit in the base clone and the pristine store. */
const BASE_REF = 'refs/scylla/base';

/** A run repository's `.git/config`: nothing the agent wrote there survives into Scylla's git calls. */
const RUN_REPO_CONFIG = [
  '[core]',
  '\trepositoryformatversion = 0',
  '\tfilemode = true',
  '\tbare = false',
  '\tlogallrefupdates = true',
  // No background gc or maintenance in a repository Scylla commits to and copies objects out of.
  '[gc]',
  '\tauto = 0',
  '[maintenance]',
  '\tauto = false',
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
  // The repository's files are written here directly (what `git init` and `update-ref` would write):
  // one git process per run repository, the checkout, instead of four.
  const gitDir = join(path, '.git');
  for (const d of ['refs/heads', 'refs/tags', 'objects/info'])
    mkdirSync(join(gitDir, d), { recursive: true });
  writeRepoFiles(gitDir, opts.store);
  const ref = join(gitDir, 'refs', 'heads', opts.branch);
  mkdirSync(dirname(ref), { recursive: true });
  writeFileSync(ref, `${opts.commit}\n`);
  writeFileSync(join(gitDir, 'HEAD'), `ref: refs/heads/${opts.branch}\n`);
  const r = await runGit(path, ['reset', '--quiet', '--hard'], { allowFail: true });
  if (r.exitCode !== 0)
    throw new GitError(
      ['reset', '--hard'],
      r.stderr,
      `commit ${opts.commit} is not in the task history ${opts.store}`,
    );
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

/** The git directory of a repository: `<repo>/.git`, or the repository itself when it is bare. */
function gitDirOf(repo: string): string {
  const dotGit = join(resolve(repo), '.git');
  return existsSync(dotGit) ? dotGit : resolve(repo);
}

/** The commit `refs/heads/<branch>` of a repository names (loose or packed), or null. */
function readBranch(gitDir: string, branch: string): string | null {
  const loose = join(gitDir, 'refs', 'heads', branch);
  if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  const packed = join(gitDir, 'packed-refs');
  if (!existsSync(packed)) return null;
  const line = readFileSync(packed, 'utf8')
    .split('\n')
    .find((l) => l.endsWith(` refs/heads/${branch}`));
  return line ? line.split(' ')[0] : null;
}

/** Copy regular files of `from` missing in `to` (never a symlink: the agent wrote this directory). */
function copyMissing(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) {
      mkdirSync(dst, { recursive: true });
      copyMissing(src, dst);
    } else if (e.isFile() && !existsSync(dst)) {
      const tmp = `${dst}.tmp-${process.pid}`;
      copyFileSync(src, tmp);
      renameSync(tmp, dst);
    }
  }
}

const HEX_DIR = /^[0-9a-f]{2}$/;

/**
 * Copy the run's branch (its commits) into the experiment's archive repository. Plain file copies,
 * no git process: the run's own objects (loose and packed; the task's history is in the archive
 * already) — content-addressed, so an existing one is never rewritten — then the branch ref,
 * atomically, once every object it needs is there.
 */
export async function publishRunBranch(archive: string, path: string, branch: string): Promise<void> {
  const runGitDir = join(resolve(path), '.git');
  const tip =
    readBranch(runGitDir, branch) ??
    (await runGit(path, ['rev-parse', `refs/heads/${branch}`])).stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(tip))
    throw new GitError([], '', `branch ${branch} of ${path} does not name a commit`);
  const src = join(runGitDir, 'objects');
  const dst = join(gitDirOf(archive), 'objects');
  for (const e of readdirSync(src, { withFileTypes: true }))
    if (e.isDirectory() && (HEX_DIR.test(e.name) || e.name === 'pack')) {
      mkdirSync(join(dst, e.name), { recursive: true });
      copyMissing(join(src, e.name), join(dst, e.name));
    }
  writeRef(archive, `refs/heads/${branch}`, tip);
}

/**
 * Point `ref` (e.g. `refs/heads/<branch>`) of a repository at `commit`, which it must already have:
 * the loose ref file written atomically, as `update-ref` would, without a git process.
 */
export function writeRef(repo: string, ref: string, commit: string): void {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new GitError([], '', `not a commit id: ${commit}`);
  const file = join(gitDirOf(repo), ref);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${commit}\n`);
  renameSync(tmp, file);
}

/** Remove a loose ref Scylla wrote with writeRef (a missing one is fine). */
export function deleteLooseRef(repo: string, ref: string): void {
  rmSync(join(gitDirOf(repo), ref), { force: true });
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

/** The commit HEAD of the repository at `ws` names (read as git would; git itself when unsure). */
export async function headCommit(ws: string): Promise<string> {
  const gitDir = join(resolve(ws), '.git');
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const sha = head.startsWith('ref: refs/heads/')
      ? readBranch(gitDir, head.slice('ref: refs/heads/'.length))
      : head;
    if (sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
  } catch {
    // fall through to git
  }
  return (await runGit(ws, ['rev-parse', 'HEAD'])).stdout.trim();
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
