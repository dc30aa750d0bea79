// Collects finalized run outcomes from the store and the runs' run_result.json files.
import { loadRunResult } from './run-result.js';
import { isFinal } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';
import { runDir } from '../workspace/paths.js';
import type { RunOutcome } from './subtest-stats.js';

/** Outcomes of the finalized runs, grouped tier → subtest, in run order. */
export function collectOutcomes(store: StoreReader, expDir: string): Map<string, Map<string, RunOutcome[]>> {
  const out = new Map<string, Map<string, RunOutcome[]>>();
  for (const row of store.runs()) {
    if (!isFinal(row.state)) continue;
    const rr = loadRunResult(runDir(expDir, row.tier, row.subtest, row.run));
    const criteria: Record<string, number | null> = {};
    for (const [id, c] of Object.entries(rr?.criteria_scores ?? {})) criteria[id] = c.score;
    const o: RunOutcome = {
      run: row.run,
      score: row.score ?? 0,
      passed: row.passed === 1,
      grade: row.grade,
      costUsd: row.cost_usd ?? 0,
      tokens: {
        input: rr?.token_stats.input_tokens ?? 0,
        output: rr?.token_stats.output_tokens ?? 0,
        cacheRead: rr?.token_stats.cache_read_tokens ?? 0,
        cacheCreation: rr?.token_stats.cache_creation_tokens ?? 0,
      },
      durationSeconds:
        rr?.duration_seconds ?? ((row.agent_duration_ms ?? 0) + (row.judge_duration_ms ?? 0)) / 1000,
      agentDurationSeconds: rr?.agent_duration_seconds ?? (row.agent_duration_ms ?? 0) / 1000,
      judgeDurationSeconds: rr?.judge_duration_seconds ?? (row.judge_duration_ms ?? 0) / 1000,
      agentOutcome: rr?.agent_failure ?? row.agent_outcome,
      exitCode: rr?.exit_code ?? null,
      numTurns: rr?.num_turns ?? null,
      criteria,
      judges: (rr?.judges ?? []).map((j) => ({
        judgeNumber: j.judge_number,
        model: j.model,
        valid: j.valid,
        score: j.score,
        passed: j.passed,
        grade: j.grade,
      })),
    };
    if (!out.has(row.tier)) out.set(row.tier, new Map());
    const t = out.get(row.tier)!;
    if (!t.has(row.subtest)) t.set(row.subtest, []);
    t.get(row.subtest)!.push(o);
  }
  return out;
}
