// Experiment-level numbers: per-subtest stats, best subtest per tier, cost-of-pass, frontier tier,
// each tier's best against T0's best, inter-judge agreement. Pure given the store and run artefacts.
import type { StoreReader } from '../store/reader.js';
import { judgeAgreement, type AgreementStats } from './agreement.js';
import { collectOutcomes } from './collect.js';
import { compareRuns, type Comparison } from './compare.js';
import { selectBest, type Selection } from './select-best.js';
import {
  addTokens,
  NO_TOKENS,
  sortGrades,
  subtestStats,
  type RunOutcome,
  type SubtestStats,
  type TokenCounts,
} from './subtest-stats.js';

/** A subtest as the experiment knows it. */
export interface SubtestInfo {
  id: string;
  name: string;
  description: string;
}

/** A subtest with its finalized runs and their statistics. */
export interface SubtestEntry extends SubtestInfo {
  stats: SubtestStats;
  /** Finalized runs, in run order. */
  runs: RunOutcome[];
}

export interface TierStats {
  tier: string;
  /** Name and description from the shared tiers.yaml, when it has them. */
  name?: string;
  description?: string;
  /** Subtests in directory order. */
  subtests: SubtestEntry[];
  selection: Selection | null;
  totalCostUsd: number;
  /** Cost-of-pass of the best subtest: its mean cost / its pass rate (null = ∞). One definition everywhere. */
  costOfPass: number | null;
  /** The selected subtest (null: no subtest has runs). */
  best: SubtestEntry | null;
  tokens: TokenCounts;
  totalDurationSeconds: number;
  /** This tier's best subtest against T0's best (null for T0 itself or without data). */
  vsT0: Comparison | null;
}

export interface ExperimentStats {
  /** A re-judging these numbers come from (absent: the runs' own judges, set 1). */
  judgeSet?: { id: number; judgeModels: string[] };
  tiers: TierStats[];
  totalCostUsd: number;
  /** Tier whose best subtest has the highest median score (first tier on ties). */
  bestTier: string | null;
  bestSubtest: string | null;
  /** Tier with the lowest cost-of-pass among tiers whose best subtest passed at least once (first on ties). */
  frontierTier: string | null;
  frontierCostOfPass: number | null;
  tokens: TokenCounts;
  totalDurationSeconds: number;
  totalRuns: number;
  passedRuns: number;
  grades: Record<string, number>;
  /** Every rubric item id seen, in order of first appearance. */
  criteria: string[];
  agreement: AgreementStats;
}

/** A tier and its subtests (ids, or ids with names), in directory order. */
export interface TierInput {
  id: string;
  subtests: (string | SubtestInfo)[];
}

/** Compute the stats of `tiers` from the store's finalized runs and their run_result.json files. */
export function experimentStats(
  store: StoreReader,
  expDir: string,
  tiers: TierInput[],
  judgeSet = store.currentJudgeSet(),
  opts: { intervals?: boolean } = {},
): ExperimentStats {
  const intervals = opts.intervals ?? true;
  const outcomes = collectOutcomes(store, expDir, judgeSet);
  const tierStats: TierStats[] = tiers.map((t) => {
    const subtests: SubtestEntry[] = t.subtests.map((s) => {
      const info = typeof s === 'string' ? { id: s, name: s, description: '' } : s;
      const runs = outcomes.get(t.id)?.get(info.id) ?? [];
      return { ...info, runs, stats: subtestStats(runs, `${t.id}/${info.id}`, intervals) };
    });
    const selection = selectBest(subtests);
    const best = subtests.find((s) => s.id === selection?.winner) ?? null;
    return {
      tier: t.id,
      subtests,
      selection,
      totalCostUsd: subtests.reduce((a, s) => a + s.stats.totalCostUsd, 0),
      costOfPass: best ? best.stats.costOfPass : null,
      best,
      tokens: subtests.reduce((a, s) => addTokens(a, s.stats.tokens), NO_TOKENS),
      totalDurationSeconds: subtests.reduce((a, s) => a + s.stats.totalDurationSeconds, 0),
      vsT0: null,
    };
  });
  const t0 = tierStats.find((t) => t.tier === 'T0');
  for (const t of tierStats)
    if (intervals && t !== t0 && t0?.best && t.best)
      t.vsT0 = compareRuns(t.best.runs, t0.best.runs, `${t.tier}/${t.best.id}`, `T0/${t0.best.id}`);

  let bestTier: TierStats | null = null;
  let frontier: TierStats | null = null;
  for (const t of tierStats) {
    if (t.selection && (!bestTier || t.selection.winningScore > bestTier.selection!.winningScore))
      bestTier = t;
    if (t.costOfPass !== null && (!frontier || t.costOfPass < frontier.costOfPass!)) frontier = t;
  }
  const allRuns = tierStats.flatMap((t) => t.subtests.flatMap((s) => s.runs));
  const grades: Record<string, number> = {};
  const criteria: string[] = [];
  for (const r of allRuns) {
    if (r.grade) grades[r.grade] = (grades[r.grade] ?? 0) + 1;
    for (const id of Object.keys(r.criteria)) if (!criteria.includes(id)) criteria.push(id);
  }
  return {
    tiers: tierStats,
    totalCostUsd: tierStats.reduce((a, t) => a + t.totalCostUsd, 0),
    bestTier: bestTier?.tier ?? null,
    bestSubtest: bestTier?.selection?.winner ?? null,
    frontierTier: frontier?.tier ?? null,
    frontierCostOfPass: frontier?.costOfPass ?? null,
    tokens: tierStats.reduce((a, t) => addTokens(a, t.tokens), NO_TOKENS),
    totalDurationSeconds: tierStats.reduce((a, t) => a + t.totalDurationSeconds, 0),
    totalRuns: allRuns.length,
    passedRuns: allRuns.filter((r) => r.passed).length,
    grades: sortGrades(grades),
    criteria,
    agreement: judgeAgreement(allRuns.map((r) => r.judges)),
  };
}
