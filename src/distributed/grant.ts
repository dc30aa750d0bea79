// Grants: the coordinator's answer to "from where may this attempt of the job go on?". A grant holds
// the run's row as the coordinator has it, the judgments it holds, and a payload that restores the
// run directory and the branch on a worker that has never seen the run.
import type { ExperimentContext, RunSpec } from '../engine/context.js';
import type { RunRow } from '../store/store.js';
import { stageIndex } from '../store/run-state.js';
import type { Grant } from './messages.js';
import { packPayload } from './payload.js';
import { restoreFiles } from './run-files.js';
import type { Transport } from './transport.js';

/** The commit the run's branch is at once it reached `row.state` (null: it has no branch yet). */
export function branchCommit(row: RunRow): string | null {
  const at = stageIndex(row.state);
  if (at >= stageIndex('diff_captured')) return row.agent_commit ?? row.config_commit ?? row.base_commit;
  if (at >= stageIndex('config_committed')) return row.config_commit ?? row.base_commit;
  if (at >= stageIndex('workspace_ready')) return row.base_commit;
  return null;
}

/** The judgments of the run's current attempt (judge set 1), as the store takes them. */
export function attemptJudgments(ctx: ExperimentContext, spec: RunSpec, row: RunRow): Grant['judgments'] {
  if (row.state !== 'judged' && row.state !== 'finalized') return [];
  return ctx.store
    .judgments(spec, 1)
    .filter((j) => j.attempt === row.attempt)
    .map(({ created_at: _c, judge_set: _s, ...j }) => j);
}

/** A grant for attempt `jobAttempt` from the run as the coordinator holds it now. */
export async function buildGrant(
  ctx: ExperimentContext,
  spec: RunSpec,
  row: RunRow,
  jobAttempt: number,
  transport: Transport,
  place: string,
): Promise<Grant> {
  const commit = branchCommit(row);
  const restore =
    row.state === 'pending'
      ? null
      : await packPayload(
          transport,
          place,
          restoreFiles(spec.runDir),
          [],
          commit ? { repo: ctx.baseRepo, branch: spec.branch, commit, base: ctx.baseCommit } : null,
        );
  return { jobAttempt, row, judgments: attemptJudgments(ctx, spec, row), restore };
}
