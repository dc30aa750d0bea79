// Comparison of two subtests' runs (a tier's best against T0's best, or one experiment against
// another): difference of median score and pass rate with bootstrap CIs, Fisher's exact test.
import { mean, median } from 'simple-statistics';
import { bootstrapDiffCi, type Interval } from './bootstrap.js';
import { fisherExact } from './fisher.js';
import type { RunOutcome } from './subtest-stats.js';

/** A (candidate) minus B (baseline). */
export interface Comparison {
  /** `tier/subtest` of the candidate and the baseline. */
  candidate: string;
  baseline: string;
  /** median(A) − median(B). */
  medianScoreDiff: number;
  medianScoreDiffCi: Interval | null;
  /** passRate(A) − passRate(B). */
  passRateDiff: number;
  passRateDiffCi: Interval | null;
  /** Two-sided Fisher's exact test on the pass/fail counts. */
  fisherP: number;
}

/** Compare the runs of `a` against those of `b`; null when either has no runs. */
export function compareRuns(
  a: readonly RunOutcome[],
  b: readonly RunOutcome[],
  candidate: string,
  baseline: string,
): Comparison | null {
  if (a.length === 0 || b.length === 0) return null;
  const sa = a.map((r) => r.score);
  const sb = b.map((r) => r.score);
  const pa = a.map((r) => (r.passed ? 1 : 0));
  const pb = b.map((r) => (r.passed ? 1 : 0));
  const passA = pa.filter((x) => x === 1).length;
  const passB = pb.filter((x) => x === 1).length;
  const key = `${candidate} vs ${baseline}`;
  return {
    candidate,
    baseline,
    medianScoreDiff: median(sa) - median(sb),
    medianScoreDiffCi: bootstrapDiffCi(sa, sb, 'median', `${key}:median_score`),
    passRateDiff: mean(pa) - mean(pb),
    passRateDiffCi: bootstrapDiffCi(pa, pb, 'mean', `${key}:pass_rate`),
    fisherP: fisherExact(passA, a.length - passA, passB, b.length - passB),
  };
}
