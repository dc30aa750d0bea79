// Multi-judge consensus over VALID judgments only: mean score, strict-majority pass, grade, per-item means, agreement.
import { rubricItems, type Rubric } from '../config/rubric.js';
import type { Judgment } from './judgment.js';
import { effectiveItemScore, grade } from './score.js';

/** Consensus of one item over the valid judges. */
export interface ConsensusCriterion {
  /** Mean of the valid judges' scores for the item (binary items rounded first); null if all said N/A. */
  score: number | null;
  /** Each valid judge's explanation, in judge order. */
  explanations: string[];
}

/** How much the judges agreed. */
export interface Agreement {
  /** Judges asked. */
  judges: number;
  validJudges: number;
  /** max − min of the valid scores (0 with one valid judge; null with none). */
  scoreSpread: number | null;
  /** Population standard deviation of the valid scores (null with none). */
  stdDev: number | null;
  passVotes: number;
  failVotes: number;
}

/** The run's verdict from all its judges. */
export interface Consensus {
  /** At least one judge gave a valid judgment. */
  valid: boolean;
  /** `judge_failed` when no judge gave a valid judgment: the run is not scored and must be re-judged. */
  failure: null | 'judge_failed';
  /** Mean of the valid judges' scores. */
  score: number | null;
  /** Strict majority of the valid judges' `passed` (votes > n/2; a 1–1 split fails). */
  passed: boolean | null;
  /** Grade of the consensus score on the rubric's scale (the same scale as per judge). */
  grade: string | null;
  criteria: Record<string, ConsensusCriterion>;
  agreement: Agreement;
  /** The first valid judge's reasoning (or why all failed). */
  reasoning: string;
}

/** Combine the judgments of one run. Invalid judgments are reported in `agreement` but never averaged. */
export function consensus(judgments: Judgment[], rubric: Rubric): Consensus {
  const valid = judgments.filter((j) => j.valid && j.score !== null);
  const scores = valid.map((j) => j.score as number);
  const passVotes = valid.filter((j) => j.passed === true).length;
  const agreement: Agreement = {
    judges: judgments.length,
    validJudges: valid.length,
    scoreSpread: scores.length ? Math.max(...scores) - Math.min(...scores) : null,
    stdDev: scores.length ? stdDev(scores) : null,
    passVotes,
    failVotes: valid.length - passVotes,
  };
  if (valid.length === 0) {
    const why = judgments.map((j, i) => `judge ${i + 1} (${j.model}): ${j.failure ?? 'invalid'}`).join('; ');
    return {
      valid: false,
      failure: 'judge_failed',
      score: null,
      passed: null,
      grade: null,
      criteria: {},
      agreement,
      reasoning: judgments.length ? `No valid judgment: ${why}` : 'No judge was run',
    };
  }
  const score = mean(scores);
  return {
    valid: true,
    failure: null,
    score,
    passed: passVotes > valid.length / 2,
    grade: grade(score, rubric.grading.grade_scale),
    criteria: criteriaConsensus(valid, rubric),
    agreement,
    reasoning: valid[0].reasoning,
  };
}

function criteriaConsensus(valid: Judgment[], rubric: Rubric): Record<string, ConsensusCriterion> {
  const kinds = new Map(rubricItems(rubric).map((it) => [it.id, it.kind]));
  // Rubric order first, then any extra ids the judges used, in order of appearance.
  const ids = [...kinds.keys()];
  for (const j of valid) for (const id of Object.keys(j.criteria)) if (!ids.includes(id)) ids.push(id);
  const out: Record<string, ConsensusCriterion> = {};
  for (const id of ids) {
    const entries = valid.map((j) => j.criteria[id]).filter((c) => c !== undefined);
    if (entries.length === 0) continue;
    const kind = kinds.get(id) ?? 'scaled';
    const nums = entries.map((c) => c.score).filter((s): s is number => s !== null);
    out[id] = {
      score: nums.length ? mean(nums.map((s) => effectiveItemScore({ kind }, s))) : null,
      explanations: entries.map((c) => c.explanation),
    };
  }
  return out;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function stdDev(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}
