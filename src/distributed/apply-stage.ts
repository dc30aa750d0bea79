// The coordinator applies a worker's stage output: the payload's files into the run directory and
// its commits into the base clone first, then the same store writes the worker's pipeline made, in
// order. Idempotent: writes the store already holds are skipped (a restarted coordinator reads a
// job's log again from its start), and nothing of a finalized run is ever written again.
import type { ExperimentContext, RunSpec } from '../engine/context.js';
import { runLabel } from '../store/run-key.js';
import { isFinal, RETRY_STATES, stageIndex, type RunState } from '../store/run-state.js';
import type { Change, Payload } from './messages.js';
import { applyPayload } from './payload.js';
import type { Transport } from './transport.js';
import { workspaceDir } from '../workspace/paths.js';
import { removeRunRepo } from '../workspace/run-repo.js';

const fromOf = (c: Change): RunState => (c.kind === 'transition' ? c.from : 'pipeline_done');
const toOf = (c: Change): RunState =>
  c.kind === 'transition' ? c.to : c.outcome.valid ? 'judged' : 'judge_failed';
const offPath = (s: RunState) => (RETRY_STATES as readonly string[]).includes(s);

/**
 * The changes still to apply on a run in state `state`: those after the prefix the store already
 * holds; `null` when they do not follow from it (another attempt's, or a diverged worker's).
 */
export function changesToApply(changes: readonly Change[], state: RunState): Change[] | null {
  const at = changes.findIndex((c) => fromOf(c) === state);
  if (at >= 0) return changes.slice(at);
  // After an attempt ended off the path (or was finalized), nothing more of it is missing.
  if (offPath(state) || isFinal(state)) return [];
  const passed = (to: RunState) =>
    to === state || (stageIndex(to) >= 0 && stageIndex(state) > stageIndex(to));
  return changes.every((c) => passed(toOf(c))) ? [] : null;
}

/** Apply one stage entry; returns false when it does not follow from what the store holds. */
export async function applyStage(
  ctx: ExperimentContext,
  spec: RunSpec,
  changes: readonly Change[],
  payload: Payload,
  transport: Transport,
): Promise<boolean> {
  const row = ctx.store.getRun(spec);
  if (!row) return false;
  const todo = changesToApply(changes, row.state);
  if (todo === null) {
    ctx.logger.debug(`${runLabel(spec)}: ignoring stage output that does not follow from ${row.state}`);
    return false;
  }
  if (!todo.length) return true;
  await applyPayload(transport, payload, { runDir: spec.runDir, repo: ctx.baseRepo, branch: spec.branch });
  for (const c of todo) {
    // A repository of this run here (a local run continued through the queue) goes when the run's does.
    if (c.kind === 'transition' && c.to === 'cleaned') removeRunRepo(workspaceDir(spec.runDir));
    if (c.kind === 'transition') ctx.store.transition(spec, c.from, c.to, c.patch, c.detail ?? undefined);
    else ctx.store.recordJudging(spec, c.judgments, c.outcome);
  }
  return true;
}
