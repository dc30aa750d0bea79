// `scylla clean`: free the disk a finished experiment no longer needs — the worktrees of finalized
// runs (kept by --keep-workspaces or --keep-failed-workspaces), probe and baseline scratch
// directories, git's stale worktree entries — and say how much was freed. Diffs, artefacts and the
// runs' commits (their branches in the base clone) are never touched.
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentConfig } from '../report/store-tiers.js';
import { openStoreReader } from '../store/reader.js';
import { runLabel, type RunKey } from '../store/run-key.js';
import { ConfigError } from '../errors.js';
import { runGit } from '../workspace/git.js';
import { baseCloneDir, runDir, workspaceDir } from '../workspace/paths.js';
import { removeRunRepo } from '../workspace/run-repo.js';
import { DB_FILE } from './experiment-dir.js';
import { openExperiment } from './open-experiment.js';

export interface CleanPlan {
  expDir: string;
  /** Finalized runs whose worktree is still on disk. */
  worktrees: { run: RunKey; path: string; bytes: number }[];
  /** Scratch directories of the experiment itself. */
  scratch: { path: string; bytes: number }[];
  bytes: number;
}

/** Bytes under `path` (not following symlinks). */
export function diskBytes(path: string): number {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path)) n += diskBytes(join(path, e));
  return n;
}

/** What cleaning would remove (read-only). */
export function planClean(expDir: string): CleanPlan {
  const store = openStoreReader(join(expDir, DB_FILE));
  try {
    const worktrees = store
      .runs()
      .filter((r) => r.state === 'finalized')
      .map((r) => ({
        run: { tier: r.tier, subtest: r.subtest, run: r.run },
        path: workspaceDir(runDir(expDir, r.tier, r.subtest, r.run)),
      }))
      .filter((w) => existsSync(w.path))
      .map((w) => ({ ...w, bytes: diskBytes(w.path) }));
    const scratch = [join(expDir, '.probe'), join(expDir, '.baseline', 'workspace')]
      .filter((p) => existsSync(p))
      .map((path) => ({ path, bytes: diskBytes(path) }));
    const bytes = [...worktrees, ...scratch].reduce((a, x) => a + x.bytes, 0);
    return { expDir, worktrees, scratch, bytes };
  } finally {
    store.close();
  }
}

/** Remove what the plan lists, as the experiment's owner (a running experiment is refused). */
export async function applyClean(plan: CleanPlan): Promise<number> {
  const reader = openStoreReader(join(plan.expDir, DB_FILE));
  const config = loadExperimentConfig(plan.expDir, reader);
  reader.close();
  if (!config)
    throw new ConfigError('the stored configuration cannot be read', {
      file: join(plan.expDir, 'experiment.json'),
    });
  const { store } = openExperiment(config, { dir: plan.expDir });
  try {
    const clone = baseCloneDir(plan.expDir);
    for (const w of plan.worktrees) {
      removeRunRepo(w.path);
      store.transition(w.run, 'finalized', 'cleaned', {}, `scylla clean (${runLabel(w.run)})`);
    }
    for (const s of plan.scratch) rmSync(s.path, { recursive: true, force: true });
    if (existsSync(clone)) await runGit(clone, ['worktree', 'prune']);
    return plan.bytes;
  } finally {
    store.release(process.pid);
    store.close();
  }
}
