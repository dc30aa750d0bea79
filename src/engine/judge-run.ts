// Judging a run: one context document from the run's durable artefacts, every judge in turn,
// consensus over the valid judgments. The run's own judging (judge set 1) stores its judgments and
// the transition in one transaction, so no run is judged twice; a re-judging (set 2..) does the same
// into its own directory and verdict.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgentResult } from '../agent/result.js';
import { RateLimitError } from '../errors.js';
import { consensus, type Consensus } from '../judge/consensus.js';
import { buildJudgeContext, type PipelineStepView } from '../judge/context.js';
import { runPipelineResult, type PipelineResult } from '../judge/pipeline.js';
import { runJudge } from '../judge/run-judge.js';
import type { Judgment } from '../judge/judgment.js';
import { JUDGE_SYSTEM_PROMPT } from '../judge/system-prompt.js';
import type { NewJudgment, RunKey, RunRow } from '../store/store.js';
import { RECORD, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { ChangedFile } from '../workspace/diff.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import { pauseMs } from './rate-limits.js';

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

/** Build the judge context from the run's durable artefacts (`pipeline`: the build results to show). */
export function judgeContextFor(
  ctx: ExperimentContext,
  spec: RunSpec,
  pipeline: PipelineResult | null = runPipelineResult(spec.runDir),
): string {
  const agent = loadAgentResult(join(spec.runDir, 'agent'));
  const files = (JSON.parse(read(join(spec.runDir, 'changed_files.json')) || '[]') as ChangedFile[]).filter(
    (f) => !f.framework,
  );
  return buildJudgeContext({
    taskPrompt: read(join(spec.runDir, 'task_prompt.md')),
    agentResult: agent?.resultText ?? '',
    agentOutcome: agent && agent.failure !== 'completed' ? agent.failure : undefined,
    changedFiles: files.map((f) => ({ path: f.path, status: f.status })),
    diff: read(join(spec.runDir, 'diff.patch')),
    deletedFiles: files.filter((f) => f.status === 'deleted').map((f) => f.path),
    referencePatch: ctx.referencePatch ?? undefined,
    criteria: ctx.criteria ?? undefined,
    rubric: ctx.rubric,
    pipeline: pipelineView(pipeline),
  });
}

/** The judge sees the steps that ran or could not run; skipped steps (nothing to check) are left out. */
function pipelineView(p: PipelineResult | null): { summary: string; steps: PipelineStepView[] } | null {
  if (!p) return null;
  const steps: PipelineStepView[] = [];
  for (const s of p.steps)
    if (s.status !== 'skipped')
      steps.push({ name: s.name, status: s.status, output: s.output, preExisting: s.preExisting });
  return { summary: p.summary, steps };
}

/** What one judging produced, ready to store. */
export interface Judging {
  judgments: Judgment[];
  consensus: Consensus;
  durationMs: number;
}

/**
 * Judge with `user` as the context, writing `context.md`, `judge_NN/` and `result.json` into `dir`.
 * `reuse(n)` may hand back judge n's judgment from an earlier set instead of calling it again.
 * Returns a non-result end on a rate limit or a stop.
 */
export async function judgeInto(
  ctx: ExperimentContext,
  dir: string,
  user: string,
  reuse: (judgeNumber: number) => Judgment | null = () => null,
): Promise<Judging | RunEnd> {
  writeFileAtomic(join(dir, 'context.md'), user, RECORD);
  const started = Date.now();
  const judgments: Judgment[] = [];
  for (const [i, slot] of ctx.judges.entries()) {
    const kept = reuse(i + 1);
    if (kept) {
      judgments.push(kept);
      continue;
    }
    try {
      const j = await ctx.slots.judge.add(async () => {
        await ctx.gate.wait(ctx.hardStop);
        if (ctx.hardStop.aborted) return null;
        return runJudge({
          transport: slot.transport,
          model: slot.model,
          system: JUDGE_SYSTEM_PROMPT,
          user,
          rubric: ctx.rubric,
          timeoutMs: ctx.config.judgeTimeoutSeconds * 1000,
          signal: ctx.hardStop,
          artefactDir: join(dir, `judge_${String(i + 1).padStart(2, '0')}`),
        });
      });
      if (!j) return { kind: 'interrupted' };
      judgments.push(j);
    } catch (e) {
      // A judge rate limit is never a score: the run is judged again after the pause.
      if (e instanceof RateLimitError)
        return {
          kind: 'rate_limited',
          source: 'judge',
          retryAfterMs: pauseMs(e, ctx.config),
          limit: e.kind,
          message: e.message,
        };
      if (ctx.hardStop.aborted) return { kind: 'interrupted' };
      throw e;
    }
  }
  const c = consensus(judgments, ctx.rubric);
  writeJsonAtomic(join(dir, 'result.json'), c);
  return { judgments, consensus: c, durationMs: Date.now() - started };
}

/** The store's form of a judging: one row per judgment, and the verdict. */
export function judgingRecord(key: RunKey, attempt: number, j: Judging) {
  const rows: NewJudgment[] = j.judgments.map((x, i) => ({
    ...key,
    attempt,
    judge_number: i + 1,
    model: x.model,
    valid: x.valid ? 1 : 0,
    failure: x.failure,
    score: x.score,
    passed: x.passed === null ? null : x.passed ? 1 : 0,
    grade: x.grade,
    json: JSON.stringify(x),
  }));
  const c = j.consensus;
  const outcome = c.valid
    ? {
        valid: true as const,
        passed: c.passed === true,
        score: c.score,
        grade: c.grade,
        judgeDurationMs: j.durationMs,
      }
    : { valid: false as const, judgeDurationMs: j.durationMs };
  return { rows, outcome };
}

/** The judging stage of a run (judge set 1). */
export async function judgeRun(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
): Promise<RunEnd | undefined> {
  const j = await judgeInto(ctx, join(spec.runDir, 'judge'), judgeContextFor(ctx, spec));
  if ('kind' in j) return j;
  const { rows, outcome } = judgingRecord(key, row.attempt, j);
  ctx.store.recordJudging(key, rows, outcome);
  if (!outcome.valid) return { kind: 'judge_failed', message: 'every judge returned an invalid judgment' };
  return undefined;
}
