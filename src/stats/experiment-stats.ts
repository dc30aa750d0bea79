// Experiment-level numbers: per-subtest stats, best subtest per tier, cost-of-pass, frontier tier.
import type { Store } from '../store/store.js';
import { collectOutcomes } from './collect.js';
import { selectBest, type Selection } from './select-best.js';
import { subtestStats, type SubtestStats } from './subtest-stats.js';

export interface TierStats {
  tier: string;
  subtests: { id: string; stats: SubtestStats }[];
  selection: Selection | null;
  totalCostUsd: number;
  /** Cost-of-pass of the best subtest: its mean cost / its pass rate (null = ∞). One definition everywhere. */
  costOfPass: number | null;
}

export interface ExperimentStats {
  tiers: TierStats[];
  totalCostUsd: number;
  bestTier: string | null;
  bestSubtest: string | null;
  frontierTier: string | null;
  frontierCostOfPass: number | null;
}

/** Compute the stats of `tiers` (each with its subtest ids in directory order). */
export function experimentStats(store: Store, expDir: string, tiers: { id: string; subtests: string[] }[]): ExperimentStats {
  const outcomes = collectOutcomes(store, expDir);
  const tierStats: TierStats[] = tiers.map((t) => {
    const subtests = t.subtests.map((id) => ({ id, stats: subtestStats(outcomes.get(t.id)?.get(id) ?? []) }));
    const selection = selectBest(subtests);
    const best = subtests.find((s) => s.id === selection?.winner);
    return {
      tier: t.id,
      subtests,
      selection,
      totalCostUsd: subtests.reduce((a, s) => a + s.stats.totalCostUsd, 0),
      costOfPass: best ? best.stats.costOfPass : null,
    };
  });
  let bestTier: TierStats | null = null;
  let frontier: TierStats | null = null;
  for (const t of tierStats) {
    if (t.selection && (!bestTier || t.selection.winningScore > bestTier.selection!.winningScore)) bestTier = t;
    if (t.costOfPass !== null && (!frontier || t.costOfPass < frontier.costOfPass!)) frontier = t;
  }
  return {
    tiers: tierStats,
    totalCostUsd: tierStats.reduce((a, t) => a + t.totalCostUsd, 0),
    bestTier: bestTier?.tier ?? null,
    bestSubtest: bestTier?.selection?.winner ?? null,
    frontierTier: frontier?.tier ?? null,
    frontierCostOfPass: frontier?.costOfPass ?? null,
  };
}
