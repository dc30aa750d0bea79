// The finalize stage: write run_result.json and the run reports from durable artefacts, then mark
// the run finalized. After this nothing of the run is ever written again.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgentResult } from '../agent/result.js';
import { tidyNumber } from '../util/tidy-number.js';
import { InternalError } from '../errors.js';
import type { Consensus } from '../judge/consensus.js';
import type { PipelineResult } from '../judge/pipeline.js';
import type { Judgment } from '../judge/judgment.js';
import { runPipelineResult } from '../judge/pipeline.js';
import { writeRunReports } from '../report/run-report.js';
import type { RunResult } from '../stats/run-result.js';
import type { RunKey, RunRow } from '../store/store.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import type { ExperimentContext, RunSpec } from './context.js';
import { loadSandboxRecord } from './sandbox-record.js';

export function finalizeRun(ctx: ExperimentContext, spec: RunSpec, key: RunKey, row: RunRow): void {
  const consensusFile = join(spec.runDir, 'judge', 'result.json');
  if (!existsSync(consensusFile))
    throw new InternalError(`run ${spec.runDir} is judged but its artefacts are missing`);
  const judgments = ctx.store
    .judgments(key, 1)
    .filter((j) => j.attempt === row.attempt)
    .map((j) => JSON.parse(j.json) as Judgment);
  const c = JSON.parse(readFileSync(consensusFile, 'utf8')) as Consensus;
  const finalizedAt = new Date().toISOString();
  const result = runResultOf(ctx, spec, row, {
    judgments,
    consensus: c,
    judgeDurationMs: row.judge_duration_ms ?? 0,
    pipeline: runPipelineResult(spec.runDir),
    finalizedAt,
  });
  writeJsonAtomic(join(spec.runDir, 'run_result.json'), result);
  writeRunReports(result, spec.runDir);
  ctx.store.transition(key, 'judged', 'finalized', { finalized_at: finalizedAt });
}

/** The complete record of a run: its agent's result and one judging of it. */
export function runResultOf(
  ctx: ExperimentContext,
  spec: RunSpec,
  row: RunRow,
  judged: {
    judgments: Judgment[];
    consensus: Consensus;
    judgeDurationMs: number;
    pipeline: PipelineResult | null;
    finalizedAt: string;
  },
): RunResult {
  const agent = loadAgentResult(join(spec.runDir, 'agent'));
  if (!agent) throw new InternalError(`run ${spec.runDir} is judged but its agent result is missing`);
  const c = judged.consensus;
  const agentS = agent.durationMs / 1000;
  const judgeS = judged.judgeDurationMs / 1000;
  const u = agent.usage;
  return {
    tier: spec.tier,
    subtest: spec.subtest,
    run_number: spec.run,
    attempt: row.attempt,
    agent_failure: agent.failure,
    exit_code: agent.exitCode,
    model: ctx.config.model,
    token_stats: {
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      cache_creation_tokens: u.cacheCreationTokens,
      cache_read_tokens: u.cacheReadTokens,
    },
    tokens_input: u.inputTokens + u.cacheReadTokens,
    tokens_output: u.outputTokens,
    num_turns: agent.numTurns,
    cost_usd: agent.costUsd,
    cost_source: agent.costSource,
    duration_seconds: tidyNumber(agentS + judgeS),
    agent_duration_seconds: agentS,
    judge_duration_seconds: judgeS,
    judge_score: c.score ?? 0,
    judge_passed: c.passed === true,
    judge_grade: c.grade ?? 'F',
    judge_reasoning: c.reasoning ?? '',
    judges: judged.judgments.map((j, i) => ({
      judge_number: i + 1,
      model: j.model,
      valid: j.valid,
      failure: j.failure,
      score: j.score,
      passed: j.passed,
      grade: j.grade,
      reasoning: j.reasoning,
    })),
    criteria_scores: c.criteria ?? {},
    agreement: { ...(c.agreement ?? {}) },
    pipeline: judged.pipeline
      ? { all_passed: judged.pipeline.allPassed, summary: judged.pipeline.summary }
      : null,
    branch: row.branch ?? spec.branch,
    base_commit: row.base_commit ?? '',
    config_commit: row.config_commit ?? '',
    agent_commit: row.agent_commit ?? '',
    finalized_at: judged.finalizedAt,
    sandbox: loadSandboxRecord(join(spec.runDir, 'agent')),
  };
}
