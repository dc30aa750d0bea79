// Runs one run for the scheduler: a run's own (non-bug) errors become its infrastructure failure,
// never the experiment's end, and every end is logged as one line.

import { InterruptedError, ScyllaError, type DiskFullError } from '../errors.js';
import { asDiskFull, isNoSpace } from '../util/disk.js';
import { runLabel } from '../store/run-key.js';
import { isFinal } from '../store/run-state.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import { executeRun } from './run-pipeline.js';

/** Errors of one run that are not bugs become that run's infrastructure failure, never the experiment's end. */
export function executeRunSafe(ctx: ExperimentContext, spec: RunSpec): Promise<RunEnd> {
  return guardRun(ctx, spec, () => executeRun(ctx, spec));
}

/**
 * Run `body` (one run's execution, here or elsewhere) under the same guard: its non-bug errors
 * become the run's infrastructure failure, a stop or a full disk its interruption; every end is logged.
 */
export async function guardRun(
  ctx: ExperimentContext,
  spec: RunSpec,
  body: () => Promise<RunEnd>,
): Promise<RunEnd> {
  try {
    const end = await body();
    logRunEnd(ctx, spec, end);
    return end;
  } catch (e) {
    // A stop interrupts whatever stage was running; the run stays where it was and continues there.
    // A full disk is the experiment's end, not this run's: everyone stops, the run stays resumable.
    if (isNoSpace(e)) {
      const full = asDiskFull(e, spec.runDir) as DiskFullError;
      ctx.stopExperiment({ kind: 'disk_full', path: full.path, freeBytes: full.freeBytes }, { hard: true });
      logRunEnd(ctx, spec, { kind: 'interrupted' });
      return { kind: 'interrupted' };
    }
    if (e instanceof InterruptedError || ctx.hardStop.aborted) {
      logRunEnd(ctx, spec, { kind: 'interrupted' });
      return { kind: 'interrupted' };
    }
    if (!(e instanceof ScyllaError) || e.code === 'INTERNAL') throw e;
    ctx.logger.error(`run ${runLabel(spec)} failed: ${e.message}`);
    const row = ctx.store.getRun(spec);
    if (row && !isFinal(row.state) && row.state !== 'infra_failed')
      ctx.store.transition(spec, row.state, 'infra_failed', {
        failure: 'infra_failed',
        failure_detail: e.message.slice(0, 2000),
      });
    return { kind: 'infra_failed' as const, message: e.message };
  }
}

/** One line per run end: the progress of a non-terminal session, and the log file's record. */
function logRunEnd(ctx: ExperimentContext, spec: RunSpec, end: RunEnd): void {
  const name = runLabel(spec);
  if (end.kind === 'finalized') {
    const row = ctx.store.getRun(spec);
    // Its place in the order of finalisation, not the count now: runs in parallel end close together.
    const done = ctx.store.finalizedOrdinal(spec) ?? 0;
    const total = ctx.store.runCount();
    ctx.logger.info(
      `${name}: ${end.passed ? 'PASS' : 'FAIL'} score ${end.score.toFixed(3)} cost $${(row?.cost_usd ?? 0).toFixed(4)} (${done}/${total} done)`,
    );
  } else if (end.kind === 'rate_limited')
    ctx.logger.warn(`${name}: rate limited (${end.source}); will be redone`);
  else if (end.kind === 'interrupted')
    ctx.logger.warn(`${name}: interrupted; the next invocation picks it up`);
  else if (end.kind === 'judge_failed')
    ctx.logger.warn(`${name}: every judge failed; will be re-judged on resume`);
  else if (end.kind === 'budget_exhausted') ctx.logger.warn(`${name}: not started, budget exhausted`);
  else if (end.kind === 'held') ctx.logger.info(`${name}: waits at ${ctx.until ?? ''} (--until)`);
}
