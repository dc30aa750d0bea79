// Collects finalized run outcomes from the store and the runs' run_result.json files.
import { loadRunResult } from './run-result.js';
import { isFinal } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';
import { runDir } from '../workspace/paths.js';
import { runResultDir } from './judge-set-files.js';
import type { RunOutcome } from './subtest-stats.js';

/**
 * Outcomes of the finalized runs, grouped tier → subtest, in run order, as judge set `judgeSet`
 * (default: the current one) judged them.
 */
export function collectOutcomes(
  store: StoreReader,
  expDir: string,
  judgeSet = store.currentJudgeSet(),
): Map<string, Map<string, RunOutcome[]>> {
  const out = new Map<string, Map<string, RunOutcome[]>>();
  const verdicts = judgeSet > 1 ? store.verdicts(judgeSet) : null;
  for (const base of store.runs()) {
    if (!isFinal(base.state)) continue;
    // A later set's verdict replaces the run's own one (score, pass, grade, judges, criteria).
    const v = verdicts?.get(`${base.tier}/${base.subtest}/${base.run}`);
    const set = v?.judge_set ?? 1;
    const row = v
      ? { ...base, score: v.score, passed: v.passed, grade: v.grade, judge_duration_ms: v.judge_duration_ms }
      : base;
    const rr = loadRunResult(runResultDir(runDir(expDir, row.tier, row.subtest, row.run), set));
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
