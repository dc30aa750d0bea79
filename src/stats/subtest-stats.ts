// Per-subtest statistics over finalized runs (spec §7.1): pass rate, mean/median/sample std,
// consistency, cost, tokens. Only judged results count; infrastructure failures never do.
import { mean, median, sampleStandardDeviation } from 'simple-statistics';

/** What stats need of one finalized run. */
export interface RunOutcome {
  run: number;
  score: number;
  passed: boolean;
  grade: string | null;
  costUsd: number;
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
  durationMs: number;
}

/** Statistics of one subtest. */
export interface SubtestStats {
  runs: number;
  passed: number;
  passRate: number;
  meanScore: number;
  medianScore: number;
  stdDev: number;
  consistency: number;
  meanCostUsd: number;
  totalCostUsd: number;
  /** mean cost / pass rate; null when nothing passed (infinite). */
  costOfPass: number | null;
  tokens: RunOutcome['tokens'];
  grades: Record<string, number>;
}

/** 1 − coefficient of variation, clamped to [0, 1]; mean 0 counts as cv 1 (spec §7.1). */
export function consistency(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  const m = mean([...scores]);
  if (m === 0) return 0;
  const sd = scores.length > 1 ? sampleStandardDeviation([...scores]) : 0;
  return Math.max(0, Math.min(1, 1 - sd / m));
}

/** Cost of one pass: mean cost / pass rate; null (∞) when the pass rate is 0. */
export function costOfPass(meanCostUsd: number, passRate: number): number | null {
  return passRate > 0 ? meanCostUsd / passRate : null;
}

export function subtestStats(runs: readonly RunOutcome[]): SubtestStats {
  const scores = runs.map((r) => r.score);
  const n = runs.length;
  const passed = runs.filter((r) => r.passed).length;
  const totalCost = runs.reduce((a, r) => a + r.costUsd, 0);
  const passRate = n ? passed / n : 0;
  const meanCost = n ? totalCost / n : 0;
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  const grades: Record<string, number> = {};
  for (const r of runs) {
    tokens.input += r.tokens.input;
    tokens.output += r.tokens.output;
    tokens.cacheRead += r.tokens.cacheRead;
    tokens.cacheCreation += r.tokens.cacheCreation;
    if (r.grade) grades[r.grade] = (grades[r.grade] ?? 0) + 1;
  }
  return {
    runs: n,
    passed,
    passRate,
    meanScore: n ? mean(scores) : 0,
    medianScore: n ? median(scores) : 0,
    stdDev: n > 1 ? sampleStandardDeviation(scores) : 0,
    consistency: consistency(scores),
    meanCostUsd: meanCost,
    totalCostUsd: totalCost,
    costOfPass: costOfPass(meanCost, passRate),
    tokens,
    grades,
  };
}
