// Retrying git network operations that failed for a transient reason (and only those).
import { setTimeout as sleep } from 'node:timers/promises';
import { runGit, type GitResult, type RunGitOptions } from './git.js';

// Git's and curl's wording of network failures that may succeed on a second try.
const TRANSIENT_MARKERS: readonly RegExp[] = [
  /connection (reset|refused)/i,
  /network (is )?unreachable/i,
  /temporary failure/i,
  /could not resolve host/i,
  /curl 56/i,
  /timed out/i,
  /early eof/i,
  /recv failure/i,
  // Beyond the original list: current curl's wording of a refused connection, gateway errors, drops.
  /failed to connect to/i,
  /couldn't connect to server/i,
  /returned error: 50[234]/i,
  /remote end hung up unexpectedly/i,
];

/** Default pauses between attempts: 3 attempts in all, 1 s then 2 s apart. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000];

/** Does git's stderr describe a network failure worth retrying? */
export function isTransientGitError(stderr: string): boolean {
  return TRANSIENT_MARKERS.some((re) => re.test(stderr));
}

/** The last result of a retried git call and how many attempts it took. */
export interface RetriedResult extends GitResult {
  attempts: number;
  transient: boolean;
}

/**
 * Run git, retrying after each delay in `delaysMs` while the failure is transient. Never throws
 * for a non-zero exit: the caller words the error. `beforeAttempt` runs before every attempt (e.g.
 * to remove what a failed clone left behind).
 */
export async function runGitWithRetry(
  cwd: string,
  args: string[],
  opts: RunGitOptions & { delaysMs?: readonly number[]; beforeAttempt?: () => void } = {},
): Promise<RetriedResult> {
  const delays = opts.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (let attempt = 1; ; attempt++) {
    opts.beforeAttempt?.();
    const r = await runGit(cwd, args, { ...opts, allowFail: true });
    const transient = r.exitCode !== 0 && isTransientGitError(r.stderr);
    if (r.exitCode === 0 || !transient || attempt > delays.length)
      return { ...r, attempts: attempt, transient };
    await sleep(delays[attempt - 1]);
  }
}
