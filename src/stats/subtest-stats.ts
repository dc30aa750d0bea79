// Per-subtest statistics over finalized runs (spec §7.1): pass rate, mean/median/sample std,
// consistency, cost, tokens, grades, per-criterion means, and seeded bootstrap CIs.
// Only judged results count; infrastructure failures never do.
import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import type { AgentOutcome } from '../outcomes.js';
import { bootstrapCi, type Interval } from './bootstrap.js';

/** Token counts (summed where aggregated). */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** One judge's verdict on a run, as far as statistics need it. */
export interface JudgeOutcome {
  judgeNumber: number;
  model: string;
  valid: boolean;
  score: number | null;
  passed: boolean | null;
  grade: string | null;
}

/** What stats need of one finalized run. */
export interface RunOutcome {
  run: number;
  score: number;
  passed: boolean;
  grade: string | null;
  costUsd: number;
  tokens: TokenCounts;
  /** Agent + judge time. */
  durationSeconds: number;
  agentDurationSeconds: number;
  judgeDurationSeconds: number;
  /** How the agent ended (`none` when it finished normally). */
  agentOutcome: AgentOutcome | null;
  exitCode: number | null;
  numTurns: number | null;
  /** Consensus score per rubric item (null: not applicable). */
  criteria: Record<string, number | null>;
  judges: JudgeOutcome[];
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
  tokens: TokenCounts;
  /** Runs per grade, in grade order (S, A, B, C, D, F, then others). */
  grades: Record<string, number>;
  /** Sum of the runs' durations (agent + judge). */
  totalDurationSeconds: number;
  meanDurationSeconds: number;
  /** 95 % bootstrap CI of the pass rate; null without runs. */
  passRateCi: Interval | null;
  /** 95 % bootstrap CI of the median score; null without runs. */
  medianScoreCi: Interval | null;
  /** Mean consensus score per rubric item over the runs that scored it (null: never applicable). */
  criteria: Record<string, number | null>;
  /** The run with the highest score (first on ties); null without runs. */
  bestRun: number | null;
}

const GRADE_ORDER = ['S', 'A', 'B', 'C', 'D', 'F'];

/** Grades in scale order, unknown grades after them alphabetically. */
export function sortGrades(g: Record<string, number>): Record<string, number> {
  const rank = (k: string) => (GRADE_ORDER.includes(k) ? GRADE_ORDER.indexOf(k) : GRADE_ORDER.length);
  return Object.fromEntries(
    Object.entries(g).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** 1 − coefficient of variation, clamped to [0, 1]; mean 0 counts as cv 1 (spec §7.1). */
export function consistency(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  const m = mean([...scores]);
  if (m === 0) return 0;
  const sd = scores.length > 1 ? sampleStandardDeviation([...scores]) : 0;
  return Math.max(0, Math.min(1, 1 - sd / m));
}

/** Cost of one pass: mean cost / pass rate; null (∞) when the pass rate is 0. The one definition used everywhere. */
export function costOfPass(meanCostUsd: number, passRate: number): number | null {
  return passRate > 0 ? meanCostUsd / passRate : null;
}

/** Sum token counts. */
export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheCreation: a.cacheCreation + b.cacheCreation,
  };
}

export const NO_TOKENS: TokenCounts = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };

/** Mean per criterion over the runs that gave it a number; ids in order of first appearance. */
export function criteriaMeans(
  runs: readonly { criteria: Record<string, number | null> }[],
): Record<string, number | null> {
  const acc = new Map<string, number[]>();
  for (const r of runs)
    for (const [id, s] of Object.entries(r.criteria)) {
      if (!acc.has(id)) acc.set(id, []);
      if (s !== null) acc.get(id)!.push(s);
    }
  return Object.fromEntries([...acc].map(([id, xs]) => [id, xs.length ? mean(xs) : null]));
}

/**
 * Statistics of one subtest's runs; `key` (e.g. `T0/01`) seeds its bootstrap CIs, which are left
 * out (null) when `intervals` is false (a console summary needs none).
 */
export function subtestStats(runs: readonly RunOutcome[], key = '', intervals = true): SubtestStats {
  const scores = runs.map((r) => r.score);
  const passes = runs.map((r) => (r.passed ? 1 : 0));
  const n = runs.length;
  const passed = passes.filter((p) => p === 1).length;
  const totalCost = runs.reduce((a, r) => a + r.costUsd, 0);
  const totalDuration = runs.reduce((a, r) => a + r.durationSeconds, 0);
  const passRate = n ? passed / n : 0;
  const meanCost = n ? totalCost / n : 0;
  let tokens = NO_TOKENS;
  const grades: Record<string, number> = {};
  let bestRun: RunOutcome | null = null;
  for (const r of runs) {
    tokens = addTokens(tokens, r.tokens);
    if (r.grade) grades[r.grade] = (grades[r.grade] ?? 0) + 1;
    if (!bestRun || r.score > bestRun.score) bestRun = r;
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
    grades: sortGrades(grades),
    totalDurationSeconds: totalDuration,
    meanDurationSeconds: n ? totalDuration / n : 0,
    passRateCi: intervals ? bootstrapCi(passes, 'mean', `${key}:pass_rate`) : null,
    medianScoreCi: intervals ? bootstrapCi(scores, 'median', `${key}:median_score`) : null,
    criteria: criteriaMeans(runs),
    bestRun: bestRun?.run ?? null,
  };
}
