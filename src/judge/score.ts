// Scoring against a rubric: weighted mean of per-item scores (N/A excluded), pass threshold, letter grade.
import { rubricItems, type GradeScale, type Rubric, type RubricItemView } from '../config/rubric.js';
import { tidyNumber } from '../util/tidy-number.js';

/** A judge's score for one rubric item; `score: null` means not applicable. */
export interface ItemScore {
  score: number | null;
  explanation: string;
}

/** Result of scoring a set of item scores against a rubric. */
export interface RubricScore {
  /** Weighted mean over applicable items, 0..1; null when no item applied (all N/A or zero weight). */
  score: number | null;
  /** `score ≥ pass_threshold`; null when score is null. */
  passed: boolean | null;
  /** Letter grade from the rubric's scale; null when score is null. */
  grade: string | null;
}

// Floating-point sums such as 0.35 + 0.25 must not fall a hair short of a threshold.
const EPS = 1e-9;

/** Letter grade: the best grade whose threshold the score reaches (F otherwise). */
export function grade(score: number, scale: GradeScale): string {
  for (const g of ['S', 'A', 'B', 'C', 'D'] as const) {
    if (score + EPS >= scale[g]) return g;
  }
  return 'F';
}

/** Whether a score reaches the rubric's pass threshold. */
export function passes(score: number, rubric: Rubric): boolean {
  return score + EPS >= rubric.grading.pass_threshold;
}

/** An item's score as it counts: clamped to 0..1, binary items rounded to 0 or 1. */
export function effectiveItemScore(item: Pick<RubricItemView, 'kind'>, score: number): number {
  const s = Math.min(1, Math.max(0, score));
  return item.kind === 'binary' ? (s >= 0.5 ? 1 : 0) : s;
}

/**
 * Score per-item judgements against the rubric. Items missing from `perItem` or marked N/A are left
 * out of the weighted mean; callers that need full coverage check it first.
 */
export function scoreFromItems(rubric: Rubric, perItem: Record<string, ItemScore>): RubricScore {
  let sum = 0;
  let weight = 0;
  for (const item of rubricItems(rubric)) {
    const s = perItem[item.id]?.score;
    if (s === null || s === undefined || item.weight <= 0) continue;
    sum += item.weight * effectiveItemScore(item, s);
    weight += item.weight;
  }
  if (weight <= 0) return { score: null, passed: null, grade: null };
  const score = tidyNumber(sum / weight);
  return { score, passed: passes(score, rubric), grade: grade(score, rubric.grading.grade_scale) };
}
