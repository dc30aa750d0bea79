// Best subtest of a tier (spec §7.2): highest median score; when the top two are closer than
// TIE_MARGIN, a documented composite decides. Deterministic: equal composites keep directory order.
import type { SubtestStats } from './subtest-stats.js';

/** Margin below which the top two medians count as tied. */
export const TIE_MARGIN = 0.05;

/** The tie-break composite: 0.4·median + 0.3·pass rate + 0.2·consistency + 0.1·(1 − min(mean cost / $1, 1)). */
export function tieBreakComposite(s: SubtestStats): number {
  return (
    0.4 * s.medianScore +
    0.3 * s.passRate +
    0.2 * s.consistency +
    0.1 * (1 - Math.min(s.meanCostUsd / 1.0, 1))
  );
}

export interface Selection {
  winner: string;
  winningScore: number;
  margin: number;
  tieBreakerUsed: boolean;
  /** How the winner was chosen, in words (printed in reports). */
  reason: string;
  ranking: { subtest: string; median: number; composite: number }[];
}

/** Pick the best of `subtests` (in directory order). Subtests without runs are not candidates. */
export function selectBest(subtests: readonly { id: string; stats: SubtestStats }[]): Selection | null {
  const candidates = subtests.filter((s) => s.stats.runs > 0);
  if (candidates.length === 0) return null;
  const ranked = candidates
    .map((s, i) => ({ ...s, i }))
    .sort((a, b) => b.stats.medianScore - a.stats.medianScore || a.i - b.i);
  const ranking = ranked.map((r) => ({
    subtest: r.id,
    median: r.stats.medianScore,
    composite: tieBreakComposite(r.stats),
  }));
  const [top, second] = ranked;
  if (!second)
    return {
      winner: top.id,
      winningScore: top.stats.medianScore,
      margin: 1,
      tieBreakerUsed: false,
      reason: 'only subtest with results',
      ranking,
    };
  const margin = top.stats.medianScore - second.stats.medianScore;
  if (margin >= TIE_MARGIN)
    return {
      winner: top.id,
      winningScore: top.stats.medianScore,
      margin,
      tieBreakerUsed: false,
      reason: `highest median score (${top.stats.medianScore.toFixed(3)})`,
      ranking,
    };
  const a = tieBreakComposite(top.stats);
  const b = tieBreakComposite(second.stats);
  const win = a >= b ? top : second;
  return {
    winner: win.id,
    winningScore: win.stats.medianScore,
    margin,
    tieBreakerUsed: true,
    reason: `median margin ${margin.toFixed(3)} < ${TIE_MARGIN}: tie-break composite ${top.id}=${a.toFixed(4)} vs ${second.id}=${b.toFixed(4)}`,
    ranking,
  };
}
