// The one way Scylla runs git: a sanitised environment (no user config, hooks, credential helpers or
// prompts; fixed identity for our commits) and one failure style (GitError on a non-zero exit).
import { existsSync } from 'node:fs';
import { DiskFullError, GitError } from '../errors.js';
import { freeBytes } from '../util/disk.js';
import { runProcess } from '../util/process.js';

/** Options of one git call. */
export interface RunGitOptions {
  /** Kill git after this many milliseconds. Default 120 000. */
  timeoutMs?: number;
  /** Return a non-zero exit instead of throwing GitError. */
  allowFail?: boolean;
  /** Text written to git's stdin. */
  input?: string;
  /** Keep at most this many bytes of stdout/stderr (the tail). Default: runProcess's default. */
  maxBufferBytes?: number;
}

/** What a git call printed and how it ended. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The identity of every commit Scylla makes. */
export const SCYLLA_GIT_NAME = 'Scylla';
export const SCYLLA_GIT_EMAIL = 'scylla@localhost';

const DEFAULT_TIMEOUT_MS = 120_000;

// Variables passed through from the parent: the tools need PATH and a temp dir; proxies and CA
// bundles are needed to reach a remote behind a corporate proxy; SSH_AUTH_SOCK lets ssh use keys
// already loaded in the user's agent (ssh reads ~/.ssh from the passwd entry, not from $HOME).
const PASSED_THROUGH = [
  'PATH',
  'LANG',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

/** The environment of every git call: an allow-list of the parent's plus fixed, harmless settings. */
export function gitSafeEnv(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASSED_THROUGH) if (parent[k] !== undefined) env[k] = parent[k];
  return {
    ...env,
    // A HOME without files: no ~/.gitconfig, no ~/.config/git/{ignore,attributes} of the user.
    HOME: '/dev/null',
    // English messages: transient-error detection matches git's own wording.
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    // BatchMode: ssh fails instead of asking for a passphrase or a host key on the terminal.
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    GIT_EDITOR: 'true',
    GIT_PAGER: 'cat',
    GIT_AUTHOR_NAME: SCYLLA_GIT_NAME,
    GIT_AUTHOR_EMAIL: SCYLLA_GIT_EMAIL,
    GIT_COMMITTER_NAME: SCYLLA_GIT_NAME,
    GIT_COMMITTER_EMAIL: SCYLLA_GIT_EMAIL,
  };
}

/** `-c` settings in front of every git command; they win over any repository-local config. */
export const GIT_SAFE_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'credential.helper=',
  'commit.gpgsign=false',
  'tag.gpgsign=false',
  'user.name=' + SCYLLA_GIT_NAME,
  'user.email=' + SCYLLA_GIT_EMAIL,
  'protocol.file.allow=always',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
  // Auto-gc forks a detached background process that could race with our worktree operations.
  'gc.auto=0',
  'maintenance.auto=false',
];

/** Replace `user:password@` in URLs by `***@` so credentials never reach messages or logs. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/**
 * Run `git <args>` in `cwd` with the sanitised environment. Throws GitError on a non-zero exit,
 * a timeout or a missing git binary (unless `allowFail`, which only covers a non-zero exit).
 */
export async function runGit(cwd: string, args: string[], opts: RunGitOptions = {}): Promise<GitResult> {
  const full = ['--literal-pathspecs', ...GIT_SAFE_CONFIG.flatMap((c) => ['-c', c]), ...args];
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await runProcess({
    cmd: 'git',
    args: full,
    cwd,
    env: gitSafeEnv(),
    timeoutMs,
    input: opts.input,
    maxBufferBytes: opts.maxBufferBytes,
  });
  const shown = args.map(redactUrl);
  const stderr = redactUrl(r.stderr);
  if (r.spawnError !== undefined) {
    if (!existsSync(cwd))
      throw new GitError(shown, '', `cannot run git ${shown[0] ?? ''}: directory ${cwd} does not exist`);
    throw new GitError(shown, stderr, `could not run git (is it installed and on PATH?): ${r.spawnError}`);
  }
  if (r.timedOut) {
    throw new GitError(shown, stderr, `git ${shown.join(' ')} timed out after ${timeoutMs} ms in ${cwd}`);
  }
  const exitCode = r.exitCode ?? 128;
  // git reports a full disk in its own words (the errno text): the one condition, whoever hit it.
  if (exitCode !== 0 && /No space left on device|Disk quota exceeded/.test(stderr))
    throw new DiskFullError(cwd, freeBytes(cwd));
  if (exitCode !== 0 && !opts.allowFail) throw new GitError(shown, stderr);
  return { stdout: r.stdout, stderr: r.stderr, exitCode };
}
