// What a rerun would cost, for `--dry-run`: agents at the mean cost of comparable finished runs
// (same subtest, else the whole experiment), judges at the mean tokens of the judgments made so far
// priced for each judge model. Unknown prices are said to be unknown, never guessed.
import { costFor } from '../agent/pricing.js';
import type { Judgment } from '../judge/judgment.js';
import type { JudgmentRow, RunRow } from '../store/rows.js';
import { isFinal } from '../store/run-state.js';

export interface RerunEstimate {
  /** Estimated USD; null when some part has no price. */
  usd: number | null;
  /** How it was estimated, for people. */
  basis: string;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Agents of `selected` again, at what finished runs of the same subtest cost. */
export function estimateAgents(selected: readonly RunRow[], all: readonly RunRow[]): RerunEstimate {
  const done = all.filter((r) => isFinal(r.state) && r.cost_usd !== null);
  const overall = mean(done.map((r) => r.cost_usd!));
  let usd = 0;
  for (const r of selected) {
    const same = mean(
      done.filter((d) => d.tier === r.tier && d.subtest === r.subtest).map((d) => d.cost_usd!),
    );
    const each = same ?? overall;
    if (each === null) return { usd: null, basis: 'no finished run to compare with' };
    usd += each;
  }
  return {
    usd,
    basis: `mean agent cost of finished runs (same subtest where there is one), ${done.length} runs`,
  };
}

/** `judgeModels` judging each of `runs` runs once, at the mean tokens of the judgments so far. */
export function estimateJudges(
  runs: number,
  judgeModels: readonly string[],
  judgments: readonly JudgmentRow[],
): RerunEstimate {
  const usages = judgments.map((j) => (JSON.parse(j.json) as Judgment).usage);
  const input = mean(usages.map((u) => u.inputTokens));
  const output = mean(usages.map((u) => u.outputTokens));
  if (input === null || output === null) return { usd: null, basis: 'no judgment made yet to compare with' };
  let usd = 0;
  for (const model of judgeModels) {
    const each = costFor(model, {
      inputTokens: input,
      outputTokens: output,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
    });
    if (each === null) return { usd: null, basis: `no price for judge model ${model}` };
    usd += each * runs;
  }
  return {
    usd,
    basis: `${Math.round(input)} input + ${Math.round(output)} output tokens per judgment (mean of ${usages.length}), price table`,
  };
}
