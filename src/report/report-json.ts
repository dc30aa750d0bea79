// The JSON form of the subtest, tier and experiment reports. Deterministic: no wall-clock times,
// floats rounded to 6 decimals, an infinite cost-of-pass is null.
import type { ExperimentConfig } from '../config/experiment-config.js';
import { BOOTSTRAP } from '../stats/bootstrap.js';
import type { AgreementStats } from '../stats/agreement.js';
import type { Comparison } from '../stats/compare.js';
import type { ExperimentStats, SubtestEntry, TierStats } from '../stats/experiment-stats.js';
import { TIE_MARGIN } from '../stats/select-best.js';
import type { TokenCounts } from '../stats/subtest-stats.js';
import { runDirName } from '../workspace/paths.js';
import { generatedBy } from './markdown.js';

/** How every number in the reports is defined; embedded in the experiment JSON and Markdown. */
export const METHODS = {
  pass_rate: 'passed runs / finalized runs; infrastructure failures and rate-limited attempts are not runs',
  consistency: '1 − sample std / mean of the run scores, clamped to [0, 1]; 0 when the mean is 0',
  cost_of_pass: "mean cost per run / pass rate of the tier's best subtest; null (—) when nothing passed",
  best_subtest: `highest median score; when the top two medians differ by less than ${TIE_MARGIN}, the higher composite 0.4·median + 0.3·pass_rate + 0.2·consistency + 0.1·(1 − min(mean_cost / $1, 1)) wins (the higher-median subtest on equal composites); equal medians keep directory order`,
  best_tier: 'tier whose best subtest has the highest median score; first tier on ties',
  frontier:
    'tier with the lowest cost-of-pass among tiers whose best subtest passed at least once; first tier on ties',
  confidence_intervals: `${BOOTSTRAP.level * 100}% percentile bootstrap, ${BOOTSTRAP.iterations} resamples, mulberry32 seeded with FNV-1a(quantity key) xor ${BOOTSTRAP.seed}`,
  vs_t0:
    "tier's best subtest minus T0's best subtest: difference of median scores and pass rates (bootstrap CI, groups resampled independently), two-sided Fisher's exact test on pass/fail counts",
  agreement:
    "runs with ≥ 2 valid judges; pass agreement, Cohen's kappa on pass/fail, mean absolute score difference per judge pair",
};

/** Round every non-integer number to 6 decimals (stable, readable JSON). */
export function rounded<T>(v: T): T {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'number' && !Number.isInteger(x) ? Number(x.toFixed(6)) : x,
    ),
  ) as T;
}

export function tokensJson(t: TokenCounts) {
  return {
    input_tokens: t.input,
    output_tokens: t.output,
    cache_read_tokens: t.cacheRead,
    cache_creation_tokens: t.cacheCreation,
  };
}

/** Summary of one subtest (as a child of its tier, and as the head of its own report). */
export function subtestSummaryJson(tier: TierStats, s: SubtestEntry) {
  const st = s.stats;
  return {
    tier_id: tier.tier,
    subtest_id: s.id,
    name: s.name,
    description: s.description,
    selected: tier.selection?.winner === s.id,
    summary: {
      total_runs: st.runs,
      passed: st.passed,
      pass_rate: st.passRate,
      pass_rate_ci: st.passRateCi,
      mean_score: st.meanScore,
      median_score: st.medianScore,
      median_score_ci: st.medianScoreCi,
      std_dev: st.stdDev,
      consistency: st.consistency,
      mean_cost: st.meanCostUsd,
      total_cost: st.totalCostUsd,
      cost_of_pass: st.costOfPass,
      total_duration_seconds: st.totalDurationSeconds,
      mean_duration_seconds: st.meanDurationSeconds,
      best_run: st.bestRun,
    },
    grades: st.grades,
    criteria: st.criteria,
    token_stats: tokensJson(st.tokens),
  };
}

/** subtest report.json */
export function subtestReportJson(tier: TierStats, s: SubtestEntry) {
  return rounded({
    ...subtestSummaryJson(tier, s),
    children: s.runs.map((r) => ({
      run_number: r.run,
      score: r.score,
      passed: r.passed,
      grade: r.grade,
      cost_usd: r.costUsd,
      duration_seconds: r.durationSeconds,
      agent_duration_seconds: r.agentDurationSeconds,
      judge_duration_seconds: r.judgeDurationSeconds,
      agent_failure: r.agentOutcome,
      token_stats: tokensJson(r.tokens),
      criteria: r.criteria,
      report: `${runDirName(r.run)}/report.md`,
    })),
    generated_by: generatedBy(),
  });
}

export function comparisonJson(c: Comparison | null) {
  if (!c) return null;
  return {
    candidate: c.candidate,
    baseline: c.baseline,
    median_score_diff: c.medianScoreDiff,
    median_score_diff_ci: c.medianScoreDiffCi,
    pass_rate_diff: c.passRateDiff,
    pass_rate_diff_ci: c.passRateDiffCi,
    fisher_p: c.fisherP,
  };
}

export function agreementJson(a: AgreementStats) {
  return {
    judges: a.judges.map((j) => ({
      judge_number: j.judgeNumber,
      model: j.model,
      valid_judgments: j.validJudgments,
      invalid_judgments: j.invalidJudgments,
      mean_score: j.meanScore,
      pass_rate: j.passRate,
    })),
    runs_with_multiple_judges: a.runsWithMultipleJudges,
    unanimous_pass_rate: a.unanimousPassRate,
    mean_score_spread: a.meanScoreSpread,
    pairs: a.pairs.map((p) => ({
      judges: [p.a, p.b],
      runs: p.runs,
      pass_agreement: p.passAgreement,
      cohen_kappa: p.cohenKappa,
      mean_abs_score_diff: p.meanAbsScoreDiff,
    })),
  };
}

/** Summary of one tier (as a child of the experiment, and as the head of its own report). */
export function tierSummaryJson(t: TierStats) {
  const sel = t.selection;
  return {
    tier: t.tier,
    summary: {
      total_subtests: t.subtests.length,
      total_runs: t.subtests.reduce((a, s) => a + s.stats.runs, 0),
      best_subtest: sel?.winner ?? null,
      best_score: sel?.winningScore ?? null,
      best_score_ci: t.best?.stats.medianScoreCi ?? null,
      best_pass_rate: t.best?.stats.passRate ?? null,
      best_pass_rate_ci: t.best?.stats.passRateCi ?? null,
      best_mean_cost: t.best?.stats.meanCostUsd ?? null,
      cost_of_pass: t.costOfPass,
      total_cost: t.totalCostUsd,
      total_duration_seconds: t.totalDurationSeconds,
      tiebreaker_used: sel?.tieBreakerUsed ?? false,
    },
    selection: sel
      ? {
          winner: sel.winner,
          winning_score: sel.winningScore,
          margin: sel.margin,
          tie_margin: TIE_MARGIN,
          tiebreaker_used: sel.tieBreakerUsed,
          reason: sel.reason,
          ranking: sel.ranking,
        }
      : null,
    vs_t0: comparisonJson(t.vsT0),
    token_stats: tokensJson(t.tokens),
  };
}

/** tier report.json */
export function tierReportJson(t: TierStats) {
  return rounded({
    ...tierSummaryJson(t),
    best: t.best
      ? { subtest: t.best.id, score: t.best.stats.medianScore, report: `${t.best.id}/report.md` }
      : null,
    children: t.subtests.map((s) => ({ ...subtestSummaryJson(t, s), report: `${s.id}/report.md` })),
    generated_by: generatedBy(),
  });
}

/** experiment report.json */
export function experimentReportJson(
  experimentId: string,
  config: ExperimentConfig | null,
  startedAt: string | null,
  s: ExperimentStats,
) {
  const best = s.tiers.find((t) => t.tier === s.bestTier);
  return rounded({
    experiment_id: experimentId,
    ...(s.judgeSet ? { judge_set: { id: s.judgeSet.id, judge_models: s.judgeSet.judgeModels } } : {}),
    started_at: startedAt,
    config: config
      ? {
          repo: config.repo,
          commit: config.commit,
          model: config.model,
          agent: config.agent,
          judge_models: config.judgeModels,
          runs_per_subtest: config.runs,
          tiers: config.tiers,
          timeout_seconds: config.timeoutSeconds,
          max_turns: config.maxTurns,
          thinking: config.thinking,
          ...(config.sandboxStatus ? { sandbox: config.sandboxStatus } : {}),
        }
      : null,
    summary: {
      total_tiers: s.tiers.length,
      total_runs: s.totalRuns,
      passed_runs: s.passedRuns,
      best_tier: s.bestTier,
      best_subtest: s.bestSubtest,
      frontier_tier: s.frontierTier,
      frontier_cop: s.frontierCostOfPass,
      total_cost: s.totalCostUsd,
      total_duration_seconds: s.totalDurationSeconds,
    },
    token_stats: tokensJson(s.tokens),
    grades: s.grades,
    criteria: s.criteria,
    agreement: agreementJson(s.agreement),
    best: best?.best
      ? { tier: best.tier, subtest: best.best.id, report: `${best.tier}/${best.best.id}/report.md` }
      : null,
    children: s.tiers.map((t) => ({
      ...tierSummaryJson(t),
      report: `${t.tier}/report.md`,
      subtests: t.subtests.map((x) => ({
        ...subtestSummaryJson(t, x),
        report: `${t.tier}/${x.id}/report.md`,
      })),
    })),
    methods: METHODS,
    generated_by: generatedBy(),
  });
}
