// Keeping a finished attempt's commits when its run is done again (`scylla rerun --agents`): the
// run's branch in the experiment's archive is renamed `<branch>_attempt_NN` (NN: the attempt), so
// the new attempt gets a fresh branch of the usual name and the old one's work stays.
import { runGit } from './git.js';
import { withRepoLock } from './repo-lock.js';

async function branchTip(repo: string, branch: string): Promise<string | null> {
  const r = await runGit(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    allowFail: true,
  });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** The name an attempt's branch is kept under. */
export function attemptBranch(branch: string, attempt: number): string {
  return `${branch}_attempt_${String(attempt).padStart(2, '0')}`;
}

/** Rename `branch` to its attempt name (no-op when it does not exist or was renamed already). */
export async function keepAttemptBranch(
  baseRepo: string,
  branch: string,
  attempt: number,
): Promise<string | null> {
  const kept = attemptBranch(branch, attempt);
  return withRepoLock(baseRepo, async () => {
    if ((await branchTip(baseRepo, branch)) === null) return (await branchTip(baseRepo, kept)) ? kept : null;
    await runGit(baseRepo, ['branch', '-M', branch, kept]);
    return kept;
  });
}
