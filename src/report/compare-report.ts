// `scylla report --compare A B`: two experiments on the same test (different model or agent), tier
// by tier: each tier's best subtest in A against B's (median and pass-rate differences with
// bootstrap CIs, Fisher's exact test), in Markdown or JSON.
import { compareRuns, type Comparison } from '../stats/compare.js';
import type { ExperimentStats, TierStats } from '../stats/experiment-stats.js';
import { ci, footer, money, num, pct, signed, table } from './markdown.js';
import { comparisonJson, rounded } from './report-json.js';

/** One side of the comparison. */
export interface CompareSide {
  label: string;
  model: string | null;
  stats: ExperimentStats;
}

interface TierPair {
  tier: string;
  a: TierStats | null;
  b: TierStats | null;
  diff: Comparison | null;
}

function pairs(a: CompareSide, b: CompareSide): TierPair[] {
  const ids = [...new Set([...a.stats.tiers.map((t) => t.tier), ...b.stats.tiers.map((t) => t.tier)])].sort();
  return ids.map((tier) => {
    const ta = a.stats.tiers.find((t) => t.tier === tier) ?? null;
    const tb = b.stats.tiers.find((t) => t.tier === tier) ?? null;
    const diff =
      ta?.best && tb?.best
        ? compareRuns(ta.best.runs, tb.best.runs, `A:${tier}/${ta.best.id}`, `B:${tier}/${tb.best.id}`)
        : null;
    return { tier, a: ta, b: tb, diff };
  });
}

function side(t: TierStats | null) {
  if (!t?.best) return null;
  return {
    best_subtest: t.best.id,
    median_score: t.best.stats.medianScore,
    median_score_ci: t.best.stats.medianScoreCi,
    pass_rate: t.best.stats.passRate,
    pass_rate_ci: t.best.stats.passRateCi,
    mean_cost: t.best.stats.meanCostUsd,
    cost_of_pass: t.costOfPass,
    runs: t.best.stats.runs,
  };
}

export function compareJson(a: CompareSide, b: CompareSide) {
  return rounded({
    a: {
      experiment: a.label,
      model: a.model,
      best_tier: a.stats.bestTier,
      frontier_cop: a.stats.frontierCostOfPass,
      total_cost: a.stats.totalCostUsd,
    },
    b: {
      experiment: b.label,
      model: b.model,
      best_tier: b.stats.bestTier,
      frontier_cop: b.stats.frontierCostOfPass,
      total_cost: b.stats.totalCostUsd,
    },
    tiers: pairs(a, b).map((p) => ({
      tier: p.tier,
      a: side(p.a),
      b: side(p.b),
      a_minus_b: comparisonJson(p.diff),
    })),
  });
}

export function renderCompare(a: CompareSide, b: CompareSide): string {
  const out = [
    `# Comparison: ${a.label} (A) vs ${b.label} (B)`,
    '',
    table(
      ['', 'A', 'B'],
      [
        ['Experiment', a.label, b.label],
        ['Model', a.model ?? '—', b.model ?? '—'],
        ['Best tier', a.stats.bestTier ?? '—', b.stats.bestTier ?? '—'],
        ['Frontier cost-of-pass', money(a.stats.frontierCostOfPass), money(b.stats.frontierCostOfPass)],
        ['Total cost', money(a.stats.totalCostUsd), money(b.stats.totalCostUsd)],
      ],
    ),
    '',
    "## Tiers (each side's best subtest)",
    '',
    table(
      [
        'Tier',
        'A best',
        'A median',
        'A pass rate',
        'A CoP',
        'B best',
        'B median',
        'B pass rate',
        'B CoP',
        'Δ median A−B [95% CI]',
        'Δ pass rate A−B [95% CI]',
        'Fisher p',
      ],
      pairs(a, b).map((p) => [
        p.tier,
        p.a?.best?.id ?? '—',
        p.a?.best ? `${num(p.a.best.stats.medianScore)} ${ci(p.a.best.stats.medianScoreCi)}` : '—',
        p.a?.best ? pct(p.a.best.stats.passRate) : '—',
        money(p.a?.costOfPass),
        p.b?.best?.id ?? '—',
        p.b?.best ? `${num(p.b.best.stats.medianScore)} ${ci(p.b.best.stats.medianScoreCi)}` : '—',
        p.b?.best ? pct(p.b.best.stats.passRate) : '—',
        money(p.b?.costOfPass),
        p.diff ? `${signed(p.diff.medianScoreDiff)} ${ci(p.diff.medianScoreDiffCi, (x) => signed(x))}` : '—',
        p.diff ? `${signed(p.diff.passRateDiff)} ${ci(p.diff.passRateDiffCi, (x) => signed(x))}` : '—',
        p.diff ? num(p.diff.fisherP, 4) : '—',
      ]),
    ),
  ];
  return out.join('\n') + '\n' + footer();
}
