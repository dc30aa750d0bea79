// The experiment report (report.md / report.json at the experiment root): per-tier tables of
// subtests with runs, pass rate, median score and cost; the best subtest per tier (★).
import { join } from 'node:path';
import type { ExperimentStats } from '../stats/experiment-stats.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { footer, link, money, num, pct, table } from './markdown.js';

export function renderExperimentReport(expDir: string, experimentId: string, s: ExperimentStats): string {
  const out = [
    `# Experiment Report: ${experimentId}`,
    '',
    table(
      ['Metric', 'Value'],
      [
        ['Total cost', money(s.totalCostUsd)],
        ['Best tier', s.bestTier ?? '—'],
        ['Best subtest', s.bestTier && s.bestSubtest ? `${s.bestTier}/${s.bestSubtest}` : '—'],
        ['Frontier (lowest cost-of-pass)', s.frontierTier ? `${s.frontierTier} (${money(s.frontierCostOfPass)})` : 'no passing results'],
      ],
    ),
    '',
    'Cost-of-pass = mean cost per run / pass rate of the tier\'s best subtest ("—" when nothing passed).',
  ];
  for (const t of s.tiers) {
    out.push('', `## ${t.tier}`, '');
    out.push(
      table(
        ['Subtest', 'Runs', 'Pass rate', 'Median score', 'Mean score', 'Mean cost', 'Total cost', 'Cost-of-pass'],
        t.subtests.map((st) => [
          `${st.id === t.selection?.winner ? '★ ' : ''}${link(expDir, `${t.tier}/${st.id}`, st.id)}`,
          st.stats.runs,
          pct(st.stats.passRate),
          num(st.stats.medianScore),
          num(st.stats.meanScore),
          money(st.stats.meanCostUsd),
          money(st.stats.totalCostUsd),
          money(st.stats.costOfPass),
        ]),
      ),
    );
    if (t.selection) out.push('', `Best: ${t.selection.winner} — ${t.selection.reason}.`);
  }
  out.push('', '## Inputs', '', `- ${link(expDir, 'prompt.md')}`, `- ${link(expDir, 'criteria.md')}`, `- ${link(expDir, 'rubric.yaml')}`, `- ${link(expDir, 'experiment.json')}`);
  return out.join('\n') + '\n' + footer();
}

/** JSON form of the same numbers (infinite cost-of-pass is null). */
export function experimentReportJson(experimentId: string, s: ExperimentStats): unknown {
  return {
    experiment_id: experimentId,
    summary: {
      total_tiers: s.tiers.length,
      best_tier: s.bestTier,
      best_subtest: s.bestSubtest,
      frontier_tier: s.frontierTier,
      frontier_cop: s.frontierCostOfPass,
      total_cost: s.totalCostUsd,
    },
    tiers: s.tiers.map((t) => ({
      tier: t.tier,
      best_subtest: t.selection?.winner ?? null,
      best_score: t.selection?.winningScore ?? null,
      selection_reason: t.selection?.reason ?? null,
      tiebreaker_used: t.selection?.tieBreakerUsed ?? false,
      cost_of_pass: t.costOfPass,
      total_cost: t.totalCostUsd,
      subtests: t.subtests.map((st) => ({ id: st.id, ...st.stats, selected: st.id === t.selection?.winner })),
    })),
  };
}

/** Write report.md and report.json at the experiment root. */
export function writeExperimentReports(expDir: string, experimentId: string, s: ExperimentStats): void {
  writeFileAtomic(join(expDir, 'report.md'), renderExperimentReport(expDir, experimentId, s));
  writeJsonAtomic(join(expDir, 'report.json'), experimentReportJson(experimentId, s));
}
