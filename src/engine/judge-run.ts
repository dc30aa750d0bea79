// The judging stage of a run: one context document, every judge in turn, consensus over the valid
// judgments; judgments and the transition are stored in one transaction, so no run is judged twice.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgentResult } from '../agent/result.js';
import { RateLimitError } from '../errors.js';
import { consensus } from '../judge/consensus.js';
import { buildJudgeContext, type PipelineStepView } from '../judge/context.js';
import { runPipelineResult, type PipelineResult } from '../judge/pipeline.js';
import { runJudge } from '../judge/run-judge.js';
import type { Judgment } from '../judge/judgment.js';
import { JUDGE_SYSTEM_PROMPT } from '../judge/system-prompt.js';
import type { RunKey, RunRow } from '../store/store.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { ChangedFile } from '../workspace/diff.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import { pauseMs } from './rate-limits.js';

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

/** Build the judge context from the run's durable artefacts. */
export function judgeContextFor(ctx: ExperimentContext, spec: RunSpec): string {
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
    pipeline: pipelineView(runPipelineResult(spec.runDir)),
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

export async function judgeRun(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
): Promise<RunEnd | undefined> {
  const judgeDir = join(spec.runDir, 'judge');
  const user = judgeContextFor(ctx, spec);
  writeFileAtomic(join(judgeDir, 'context.md'), user);
  const started = Date.now();
  const judgments: Judgment[] = [];
  for (const [i, slot] of ctx.judges.entries()) {
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
          artefactDir: join(judgeDir, `judge_${String(i + 1).padStart(2, '0')}`),
        });
      });
      if (!j) return { kind: 'interrupted' };
      judgments.push(j);
    } catch (e) {
      // A judge rate limit is never a score: the run stays at pipeline_done and is judged again.
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
  writeJsonAtomic(join(judgeDir, 'result.json'), c);
  const judgeMs = Date.now() - started;
  const rows = judgments.map((j, i) => ({
    ...key,
    attempt: row.attempt,
    judge_number: i + 1,
    model: j.model,
    valid: j.valid ? 1 : 0,
    failure: j.failure,
    score: j.score,
    passed: j.passed === null ? null : j.passed ? 1 : 0,
    grade: j.grade,
    json: JSON.stringify(j),
  }));
  ctx.store.recordJudging(
    key,
    rows,
    c.valid
      ? { valid: true, passed: c.passed === true, score: c.score, grade: c.grade, judgeDurationMs: judgeMs }
      : { valid: false, judgeDurationMs: judgeMs },
  );
  if (!c.valid) return { kind: 'judge_failed', message: 'every judge returned an invalid judgment' };
  return undefined;
}
