// Inter-judge agreement over the runs that more than one judge scored validly: per judge, per
// judge pair (pass/fail agreement, Cohen's kappa, mean absolute score difference), and overall.
import type { JudgeOutcome } from './subtest-stats.js';

/** One judge over all runs. */
export interface JudgeSummary {
  judgeNumber: number;
  model: string;
  validJudgments: number;
  invalidJudgments: number;
  /** Mean of its valid scores (null: none). */
  meanScore: number | null;
  /** Share of its valid judgments that passed (null: none). */
  passRate: number | null;
}

/** Two judges on the runs both judged validly. */
export interface JudgePair {
  a: number;
  b: number;
  runs: number;
  /** Share of those runs where both said pass or both said fail. */
  passAgreement: number | null;
  /** Cohen's kappa of pass/fail (null when chance agreement is 1, i.e. undefined). */
  cohenKappa: number | null;
  meanAbsScoreDiff: number | null;
}

/** Agreement between the judges of an experiment. */
export interface AgreementStats {
  judges: JudgeSummary[];
  /** Runs with at least two valid judgments (the only runs agreement can be measured on). */
  runsWithMultipleJudges: number;
  /** Share of those runs on which every valid judge gave the same pass/fail. */
  unanimousPassRate: number | null;
  /** Mean over those runs of (max − min) valid score. */
  meanScoreSpread: number | null;
  pairs: JudgePair[];
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Agreement statistics over runs (each given as its list of judge outcomes). */
export function judgeAgreement(runs: readonly (readonly JudgeOutcome[])[]): AgreementStats {
  const byJudge = new Map<number, { model: string; valid: JudgeOutcome[]; invalid: number }>();
  const multi: JudgeOutcome[][] = [];
  for (const js of runs) {
    for (const j of js) {
      if (!byJudge.has(j.judgeNumber)) byJudge.set(j.judgeNumber, { model: j.model, valid: [], invalid: 0 });
      const e = byJudge.get(j.judgeNumber)!;
      if (j.valid && j.score !== null) e.valid.push(j);
      else e.invalid++;
    }
    const valid = js.filter((j) => j.valid && j.score !== null);
    if (valid.length >= 2) multi.push(valid);
  }
  const numbers = [...byJudge.keys()].sort((x, y) => x - y);
  const judges = numbers.map((n) => {
    const e = byJudge.get(n)!;
    return {
      judgeNumber: n,
      model: e.model,
      validJudgments: e.valid.length,
      invalidJudgments: e.invalid,
      meanScore: avg(e.valid.map((j) => j.score as number)),
      passRate: avg(e.valid.map((j) => (j.passed ? 1 : 0))),
    };
  });
  const pairs: JudgePair[] = [];
  for (let i = 0; i < numbers.length; i++)
    for (let k = i + 1; k < numbers.length; k++) pairs.push(pair(multi, numbers[i], numbers[k]));
  return {
    judges,
    runsWithMultipleJudges: multi.length,
    unanimousPassRate: avg(multi.map((js) => (js.every((j) => j.passed === js[0].passed) ? 1 : 0))),
    meanScoreSpread: avg(
      multi.map(
        (js) => Math.max(...js.map((j) => j.score as number)) - Math.min(...js.map((j) => j.score as number)),
      ),
    ),
    pairs,
  };
}

function pair(multi: JudgeOutcome[][], a: number, b: number): JudgePair {
  const both = multi
    .map((js) => [js.find((j) => j.judgeNumber === a), js.find((j) => j.judgeNumber === b)] as const)
    .filter((p): p is readonly [JudgeOutcome, JudgeOutcome] => p[0] !== undefined && p[1] !== undefined);
  const n = both.length;
  if (n === 0) return { a, b, runs: 0, passAgreement: null, cohenKappa: null, meanAbsScoreDiff: null };
  const po = both.filter(([x, y]) => Boolean(x.passed) === Boolean(y.passed)).length / n;
  const pa = both.filter(([x]) => x.passed).length / n;
  const pb = both.filter(([, y]) => y.passed).length / n;
  const pe = pa * pb + (1 - pa) * (1 - pb);
  return {
    a,
    b,
    runs: n,
    passAgreement: po,
    cohenKappa: pe >= 1 ? null : (po - pe) / (1 - pe),
    meanAbsScoreDiff: avg(both.map(([x, y]) => Math.abs((x.score as number) - (y.score as number)))),
  };
}
