// Before anything is created: the commit to run on must be a commit of a local task repository (a remote
// one is checked when it is cloned). A problem points where the commit was named (test.yaml's
// `source.hash`, --config's `task_commit`, `--commit`).
import type { NamedPlace } from '../config/repo-places.js';
import { localRepoPath } from '../config/repo-places.js';
import type { Problem } from '../problem.js';
import { runGit } from '../workspace/git.js';

/** The problem with `commit` in the local repository `repo`, or null (also for a remote repository). */
export async function commitProblem(
  repo: string,
  commit: string | null,
  at: NamedPlace,
): Promise<Problem | null> {
  if (commit === null) return null;
  const problem = (message: string): Problem => ({ severity: 'error', ...at, value: commit, message });
  if (commit.startsWith('-')) return problem('is not a commit (it starts with "-")');
  const path = localRepoPath(repo);
  if (path === null) return null;
  const r = await runGit(
    path,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^{commit}`],
    {
      allowFail: true,
    },
  );
  if (r.exitCode === 0) return null;
  const why = r.stderr.trim().split('\n')[0];
  return problem(why ? `cannot be looked up in ${path}: ${why}` : `is not a commit of ${path}`);
}
