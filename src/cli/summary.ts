// The end-of-run console summary (spec §2): where the results are, best tier/subtest, frontier, one line per tier.
import { join } from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { ExperimentOutcome } from '../engine/run-experiment.js';

const money = (v: number | null) => (v === null ? '—' : `$${v.toFixed(4)}`);

export function printSummary(o: ExperimentOutcome, config: ExperimentConfig): void {
  const s = o.stats;
  const lines = [
    '',
    `Experiment ${config.experimentId}: ${o.status}${o.resumed ? ' (resumed)' : ''}`,
    `Results:      ${o.expDir}`,
    `Report:       ${join(o.expDir, 'report.md')}`,
    `Total cost:   ${money(s.totalCostUsd)}`,
    `Best:         ${s.bestTier ? `${s.bestTier}/${s.bestSubtest}` : '—'}`,
    `Frontier CoP: ${s.frontierTier ? `${money(s.frontierCostOfPass)} (${s.frontierTier})` : 'no passing results'}`,
    ...s.tiers.map((t) => {
      const best = t.subtests.find((x) => x.id === t.selection?.winner);
      const score = t.selection?.winningScore ?? 0;
      return `  ${t.tier}: ${best && best.stats.passRate > 0.5 ? 'PASS' : 'FAIL'} (best ${t.selection?.winner ?? '—'}, median score ${score.toFixed(3)}, pass rate ${((best?.stats.passRate ?? 0) * 100).toFixed(0)}%, cost ${money(t.totalCostUsd)})`;
    }),
  ];
  if (o.unfinished)
    lines.push(`  ${o.unfinished} run(s) did not finish; run the same command again to resume them.`);
  console.log(lines.join('\n'));
}
