// The pure planner: requested tiers + subtests + stored run rows → what happens to every run.
// No file system, no processes: easy to test and to print (--dry-run).
import { isFinal, resumeStage, type RunStage } from '../store/run-state.js';
import type { RunRow } from '../store/store.js';

export { tierGroups } from '../config/tier-groups.js';

/** One run and what to do with it. */
export interface PlannedRun {
  tier: string;
  subtest: string;
  run: number;
  /** `skip`: finalized, never touched; `start`: new; `continue`: re-enter at `stage`; `redo`: quarantine, fresh attempt. */
  action: 'skip' | 'start' | 'continue' | 'redo';
  stage: RunStage | null;
}

/** Plan every run of the given subtests. */
export function planRuns(
  subtests: readonly { tier: string; subtest: string }[],
  runs: number,
  rows: readonly RunRow[],
): PlannedRun[] {
  const byKey = new Map(rows.map((r) => [`${r.tier}/${r.subtest}/${r.run}`, r]));
  const plan: PlannedRun[] = [];
  for (const s of subtests) {
    for (let run = 1; run <= runs; run++) {
      const row = byKey.get(`${s.tier}/${s.subtest}/${run}`);
      if (!row) {
        plan.push({ ...s, run, action: 'start', stage: 'pending' });
      } else if (isFinal(row.state)) {
        plan.push({
          ...s,
          run,
          action: row.state === 'finalized' ? 'continue' : 'skip',
          stage: resumeStage(row.state),
        });
      } else {
        const stage = resumeStage(row.state);
        const redo =
          row.state === 'rate_limited' || row.state === 'infra_failed' || row.state === 'interrupted';
        plan.push({
          ...s,
          run,
          action: redo ? 'redo' : row.state === 'pending' ? 'start' : 'continue',
          stage,
        });
      }
    }
  }
  return plan;
}

/** Counts for a `--dry-run` or a progress header. */
export function summarizePlan(plan: readonly PlannedRun[]): Record<PlannedRun['action'], number> {
  const c = { skip: 0, start: 0, continue: 0, redo: 0 };
  // A finalized run that only awaits the removal of its worktree is a finished result.
  for (const p of plan) c[p.action === 'continue' && p.stage === 'finalized' ? 'skip' : p.action]++;
  return c;
}
