// Names and places in the results directory that the workspace module and the engine agree on.
import { join } from 'node:path';

/** `run_01`, `run_02`, ... (`run_100` past 99). */
export function runDirName(run: number): string {
  if (!Number.isInteger(run) || run < 1)
    throw new RangeError(`run number must be a positive integer, got ${run}`);
  return 'run_' + String(run).padStart(2, '0');
}

/** `<expDir>/<tier>/<subtest>`, e.g. `<expDir>/T0/00`. */
export function subtestDir(expDir: string, tier: string, subtest: string): string {
  return join(expDir, tier, subtest);
}

/** `<expDir>/<tier>/<subtest>/run_NN`. */
export function runDir(expDir: string, tier: string, subtest: string, run: number): string {
  return join(subtestDir(expDir, tier, subtest), runDirName(run));
}

/** The run's git worktree: `<runDir>/workspace`. */
export function workspaceDir(runDirPath: string): string {
  return join(runDirPath, 'workspace');
}

/** Where quarantined attempts of a subtest's runs go: `<subtestDir>/.failed`. */
export function failedDir(subtestDirPath: string): string {
  return join(subtestDirPath, '.failed');
}

/**
 * The experiment's base clone and archive, `<expDir>/repo`: the task repository at the pinned
 * commit plus every run's branch (fetched out of the run's own repository). No run sees it.
 */
export function baseCloneDir(expDir: string): string {
  return join(expDir, 'repo');
}

/**
 * The pristine task history, `<expDir>/task.git`: only what the pinned commit reaches, never a
 * run's commit. Every run repository borrows its objects (read-only inside the sandbox).
 */
export function taskStoreDir(expDir: string): string {
  return join(expDir, 'task.git');
}
