// Re-judging one finalized run in a new judge set, from what the run stored (task prompt, agent
// result, diff, build pipeline results): no agent and, unless the build pipeline is re-run, no
// worktree. Everything goes into `judge/set_NN/`; the run's own files and judgments stay as they are.
import { join } from 'node:path';
import type { Judgment } from '../judge/judgment.js';
import { loadPipelineResult, runPipelineResult, type PipelineResult } from '../judge/pipeline.js';
import { judgeSetDir } from '../stats/judge-set-files.js';
import type { RunRow } from '../store/rows.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { removeRunRepo } from '../workspace/run-repo.js';
import { workspaceDir } from '../workspace/paths.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import { runResultOf } from './finalize-run.js';
import { judgeContextFor, judgeInto, judgingRecord } from './judge-run.js';
import { buildPipelineOf } from './run-pipeline.js';

/** What one re-judging does to each of its runs. */
export interface RejudgeJob {
  /** The judge set being made. */
  judgeSet: number;
  /** Run the build pipeline again (`--from pipeline`) instead of showing the stored results. */
  rerunPipeline: boolean;
  /** Re-run only this judge slot; the others are carried over from the set before. */
  judgeSlot: number | null;
}

/** The build results the set shows: its own (if it re-ran them), else the newest earlier set's. */
function latestPipeline(runDir: string, judgeSet: number): PipelineResult | null {
  for (let s = judgeSet; s > 1; s--) {
    const p = loadPipelineResult(join(judgeSetDir(runDir, s), 'pipeline.json'));
    if (p) return p;
  }
  return runPipelineResult(runDir);
}

/** The judgments of the set before `judgeSet` for this attempt, by judge number. */
function previousJudgments(ctx: ExperimentContext, spec: RunSpec, row: RunRow, judgeSet: number) {
  for (let s = judgeSet - 1; s >= 1; s--) {
    const rows = ctx.store.judgments(spec, s).filter((j) => j.attempt === row.attempt);
    if (rows.length) return new Map(rows.map((j) => [j.judge_number, JSON.parse(j.json) as Judgment]));
  }
  return new Map<number, Judgment>();
}

/** Judge one finalized run in `job.judgeSet` (once: a run already judged validly there is left alone). */
export async function rejudgeRun(ctx: ExperimentContext, spec: RunSpec, job: RejudgeJob): Promise<RunEnd> {
  const row = ctx.store.getRun(spec)!;
  const done = ctx.store.verdictIn(spec, job.judgeSet);
  if (done?.valid && done.attempt === row.attempt)
    return { kind: 'finalized', passed: done.passed === 1, score: done.score ?? 0 };
  const dir = judgeSetDir(spec.runDir, job.judgeSet);
  let pipeline = latestPipeline(spec.runDir, job.judgeSet);
  if (job.rerunPipeline && !loadPipelineResult(join(dir, 'pipeline.json'))) {
    pipeline = await buildPipelineOf(ctx, spec, row, dir);
    writeJsonAtomic(join(dir, 'pipeline.json'), pipeline);
    // The run was cleaned once: its worktree goes again (the branch keeps its commits).
    if (row.state === 'cleaned') removeRunRepo(workspaceDir(spec.runDir));
  }
  const kept = job.judgeSlot === null ? null : previousJudgments(ctx, spec, row, job.judgeSet);
  const j = await judgeInto(ctx, dir, judgeContextFor(ctx, spec, pipeline), (n) =>
    kept && n !== job.judgeSlot ? (kept.get(n) ?? null) : null,
  );
  if ('kind' in j) return j;
  const { rows, outcome } = judgingRecord(spec, row.attempt, j);
  ctx.store.recordVerdict(spec, job.judgeSet, rows, outcome);
  if (!outcome.valid) return { kind: 'judge_failed', message: 'every judge returned an invalid judgment' };
  const record = runResultOf(ctx, spec, row, {
    judgments: j.judgments,
    consensus: j.consensus,
    judgeDurationMs: j.durationMs,
    pipeline,
    finalizedAt: row.finalized_at ?? new Date().toISOString(),
  });
  writeJsonAtomic(join(dir, 'run_result.json'), record);
  return { kind: 'finalized', passed: outcome.passed, score: outcome.score ?? 0 };
}
