// The experiment's numbers as the report computes them — per-subtest statistics, the tier
// comparison, judge agreement — computed once per store version, and its charts as SVG images.
import type { Chart } from '../report/html/charts.js';
import { experimentReportJson, subtestSummaryJson } from '../report/report-json.js';
import { tiersFromStore } from '../report/store-tiers.js';
import { experimentStats, type ExperimentStats } from '../stats/experiment-stats.js';
import type { RunOutcome } from '../stats/subtest-stats.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError } from './router.js';
import { configOf } from './summaries.js';

/** Statistics of every tier and subtest (reads each finalized run's run_result.json once per version). */
/** The experiment's statistics as judge set `judgeSet` (default: the current one) judged it. */
export function statsOf(h: ExperimentHandle, judgeSet?: number): ExperimentStats {
  return h.memo(`stats:${judgeSet ?? 'current'}`, (store) =>
    experimentStats(store, h.dir, tiersFromStore(store), judgeSet ?? store.currentJudgeSet()),
  );
}

/** The experiment's report.json, as `scylla report` would write it now. */
export function reportJsonOf(h: ExperimentHandle): ReturnType<typeof experimentReportJson> {
  return h.memo('report-json', (store) => {
    const row = store.experiment();
    const id = row?.experiment_id ?? h.name;
    return experimentReportJson(id, configOf(h), row?.started_at ?? null, statsOf(h));
  });
}

/** A finalized run's outcome as statistics saw it (turns, tokens, judges), by `tier/subtest/run`. */
export function outcomesOf(h: ExperimentHandle): Map<string, RunOutcome> {
  return h.memo('outcomes', () => {
    const m = new Map<string, RunOutcome>();
    for (const t of statsOf(h).tiers)
      for (const s of t.subtests) for (const r of s.runs) m.set(`${t.tier}/${s.id}/${r.run}`, r);
    return m;
  });
}

/** One subtest: its resolved configuration (as recorded when its runs were planned) and statistics. */
export function subtestView(h: ExperimentHandle, tier: string, subtest: string) {
  const t = statsOf(h).tiers.find((x) => x.tier === tier);
  const s = t?.subtests.find((x) => x.id === subtest);
  const row = h.store().subtestFingerprint(tier, subtest);
  if (!t || !s) throw new HttpError(404, `no subtest ${tier}/${subtest} in ${h.name}`);
  let resolved: unknown = null;
  try {
    resolved = row ? JSON.parse(row.resolved_json) : null;
  } catch {
    resolved = null;
  }
  return {
    experiment: h.name,
    tier,
    subtest,
    name: s.name,
    description: s.description,
    fingerprint: row?.fingerprint ?? null,
    resolved,
    stats: subtestSummaryJson(t, s),
    winner: h.store().tierWinner(tier)?.subtest ?? null,
  };
}

/** Chart ids as the report names them. */
export const CHART_IDS = [
  'chart-tier-score',
  'chart-tier-pass',
  'chart-tier-cop',
  'chart-scatter',
  'chart-heatmap',
];

/** The report's charts, rendered once per store version. */
export function chartsOf(h: ExperimentHandle): Promise<Chart[]> {
  return h.memoAsync('charts', async () => {
    // vega is large: loaded when the first chart is asked for, not when the server starts.
    const { heatmapChart, scatterChart, tierCharts } = await import('../report/html/charts.js');
    const s = statsOf(h);
    const [tiers, scatter, heatmap] = await Promise.all([tierCharts(s), scatterChart(s), heatmapChart(s)]);
    return [...tiers, ...(scatter ? [scatter] : []), ...(heatmap ? [heatmap] : [])];
  });
}
