// The experiment's base clone of the task repository at the pinned commit: the source of the pristine
// task history every run repository borrows from, and the archive of every run's branch.
// Cloned into a temporary sibling and renamed into place, so `dest` is either absent or complete.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { GitError } from '../errors.js';
import { redactUrl, runGit } from './git.js';
import { runGitWithRetry, type RetriedResult } from './transient.js';
import { pidAlive } from '../util/pid-alive.js';

/** What to clone and where. */
export interface EnsureBaseCloneOptions {
  /** A URL (https, ssh, file://) or a local path to a git repository. */
  repo: string;
  /** Commit (sha, abbreviated sha, tag or branch) to check out; default: the remote's HEAD. */
  commit?: string;
  /** Where the clone lives, e.g. `<expDir>/repo`. */
  dest: string;
  /** Pauses between attempts on transient network errors. Default 1 s, 2 s (3 attempts). */
  retryDelaysMs?: readonly number[];
  /** Timeout of each network operation. Default 20 minutes. */
  timeoutMs?: number;
}

/** A ready base clone. */
export interface BaseClone {
  /** Absolute path of the clone. */
  path: string;
  /** The checked-out commit, full sha. */
  commit: string;
}

const NETWORK_TIMEOUT_MS = 20 * 60_000;

/** True for a local path, false for a URL or an scp-like `host:path` address (git's own rule). */
export function isLocalRepo(repo: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return false;
  const colon = repo.indexOf(':');
  return colon < 0 || (repo.indexOf('/') >= 0 && repo.indexOf('/') < colon);
}

/** The clone's source as git records it in `remote.origin.url`. */
function cloneSource(repo: string): string {
  return isLocalRepo(repo) ? resolve(repo) : repo;
}

/** Ensure a clone of `repo` at `commit` exists at `dest`; reuse a valid one. */
export async function ensureBaseClone(opts: EnsureBaseCloneOptions): Promise<BaseClone> {
  const dest = resolve(opts.dest);
  const source = cloneSource(opts.repo);
  if (opts.commit?.startsWith('-')) {
    throw new GitError([], '', `invalid commit ${JSON.stringify(opts.commit)}`);
  }
  if (isLocalRepo(opts.repo) && !existsSync(source)) {
    throw new GitError([], '', `repository path ${source} does not exist: check the repo in test.yaml`);
  }
  removeStalePartials(dest);
  if (existsSync(dest)) {
    if (await isCloneOf(dest, source)) {
      await quietClone(dest);
      return { path: dest, commit: await checkoutCommit(dest, opts) };
    }
    if (!(await isLeftover(dest))) {
      throw new GitError(
        [],
        '',
        `${dest} exists but is not a clone of ${redactUrl(opts.repo)}: remove it or use another results directory`,
      );
    }
    rmSync(dest, { recursive: true, force: true });
  }
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cloneInto(tmp, source, opts);
    await quietClone(tmp);
    const commit = await checkoutCommit(tmp, opts);
    try {
      renameSync(tmp, dest);
    } catch (e) {
      // Someone else finished first: use theirs if it is what we need.
      if (!existsSync(dest) || !(await isCloneOf(dest, source))) throw e;
      return { path: dest, commit: await checkoutCommit(dest, opts) };
    }
    return { path: dest, commit };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function cloneInto(tmp: string, source: string, opts: EnsureBaseCloneOptions): Promise<void> {
  // A local path is cloned with hard-linked objects (all history, no copy); shallow clones need a
  // transport (file://, https, ssh) and then fetch the pinned commit on demand.
  const args = isLocalRepo(opts.repo)
    ? ['clone', '--quiet', '--no-checkout', source, tmp]
    : ['clone', '--quiet', '--no-checkout', '--depth=1', source, tmp];
  const r = await runGitWithRetry(dirname(tmp), args, {
    delaysMs: opts.retryDelaysMs,
    timeoutMs: opts.timeoutMs ?? NETWORK_TIMEOUT_MS,
    beforeAttempt: () => rmSync(tmp, { recursive: true, force: true }),
  });
  if (r.exitCode !== 0) throw cloneError(args, r, opts.repo);
}

/**
 * No automatic gc or maintenance in the base clone: parallel runs fetch their branches into it, and a
 * background `gc --auto` packing refs under them can make a run's git command fail for a reason
 * that has nothing to do with the run.
 */
async function quietClone(dir: string): Promise<void> {
  await runGit(dir, ['config', 'gc.auto', '0']);
  await runGit(dir, ['config', 'maintenance.auto', 'false']);
}

function cloneError(args: string[], r: RetriedResult, repo: string): GitError {
  const why = redactUrl(r.stderr).trim().split('\n').slice(-3).join(' | ');
  const shown = args.map(redactUrl);
  if (r.transient) {
    return new GitError(
      shown,
      r.stderr,
      `could not clone ${redactUrl(repo)} after ${r.attempts} attempts (network error: ${why}); check the network connection and try again`,
    );
  }
  return new GitError(
    shown,
    r.stderr,
    `could not clone ${redactUrl(repo)} (${why}); check that the repository URL or path is right and readable ` +
      'without a password prompt (Scylla disables prompts and credential helpers; use an ssh key in ssh-agent)',
  );
}

/** Resolve the wanted commit in the clone (fetching it if needed) and check it out, detached. */
async function checkoutCommit(dir: string, opts: EnsureBaseCloneOptions): Promise<string> {
  if (opts.commit === undefined) return revParse(dir, 'HEAD');
  const want = opts.commit;
  let sha = await tryRevParse(dir, `${want}^{commit}`);
  if (sha === null) sha = await fetchCommit(dir, want, opts);
  if (sha === null) {
    throw new GitError(
      ['rev-parse', want],
      '',
      `commit ${want} not found in ${redactUrl(opts.repo)}: check the commit in test.yaml and that it exists in that repository`,
    );
  }
  if ((await tryRevParse(dir, 'HEAD')) !== sha) await runGit(dir, ['checkout', '--quiet', '--detach', sha]);
  return sha;
}

/** Fetch `want` from origin: first just that commit, shallowly; then, if needed, all history. */
async function fetchCommit(dir: string, want: string, opts: EnsureBaseCloneOptions): Promise<string | null> {
  const common = { delaysMs: opts.retryDelaysMs, timeoutMs: opts.timeoutMs ?? NETWORK_TIMEOUT_MS };
  const one = await runGitWithRetry(dir, ['fetch', '--quiet', '--depth=1', 'origin', want], common);
  if (one.exitCode === 0) {
    const sha =
      (await tryRevParse(dir, `${want}^{commit}`)) ?? (await tryRevParse(dir, 'FETCH_HEAD^{commit}'));
    if (sha !== null) return sha;
  } else if (one.transient) {
    throw new GitError(
      ['fetch', 'origin', want],
      one.stderr,
      `could not fetch ${want} from ${redactUrl(opts.repo)} after ${one.attempts} attempts (network error); check the network connection and try again`,
    );
  }
  // Abbreviated shas cannot be fetched by name, and some servers refuse unadvertised commits.
  const shallow = (await runGit(dir, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  const all = ['fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*'];
  if (shallow) all.splice(2, 0, '--unshallow');
  await runGitWithRetry(dir, all, common);
  return tryRevParse(dir, `${want}^{commit}`);
}

async function tryRevParse(dir: string, rev: string): Promise<string | null> {
  const r = await runGit(dir, ['rev-parse', '--verify', '--quiet', rev], { allowFail: true });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

async function revParse(dir: string, rev: string): Promise<string> {
  return (await runGit(dir, ['rev-parse', '--verify', rev])).stdout.trim();
}

/** Is `dir` the top of a (non-bare) repository whose origin is `source`? */
async function isCloneOf(dir: string, source: string): Promise<boolean> {
  const gitDir = await runGit(dir, ['rev-parse', '--absolute-git-dir'], { allowFail: true });
  if (gitDir.exitCode !== 0 || gitDir.stdout.trim() !== join(realpathSync(dir), '.git')) return false;
  const origin = await runGit(dir, ['config', '--get', 'remote.origin.url'], { allowFail: true });
  return origin.exitCode === 0 && origin.stdout.trim() === source;
}

/** An empty directory, or one holding only a `.git` that is not a usable repository. */
async function isLeftover(dir: string): Promise<boolean> {
  if (!statSync(dir).isDirectory()) return false;
  const entries = readdirSync(dir);
  if (entries.length === 0) return true;
  if (entries.length !== 1 || entries[0] !== '.git') return false;
  // --git-dir: a broken .git must not make git find an enclosing repository instead.
  const head = await runGit(
    dir,
    ['--git-dir', join(dir, '.git'), 'rev-parse', '--verify', '--quiet', 'HEAD'],
    {
      allowFail: true,
    },
  );
  return head.exitCode !== 0;
}

/** Remove `<dest>.partial-<pid>-*` directories of processes that no longer run (crashed clones). */
function removeStalePartials(dest: string): void {
  const parent = dirname(dest);
  if (!existsSync(parent)) return;
  const prefix = `${basename(dest)}.partial-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid))
      rmSync(join(parent, name), { recursive: true, force: true });
  }
}
