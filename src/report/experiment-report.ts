// The experiment report (report.md at the experiment root): headline numbers, tier comparison with
// CIs and tests against T0, subtests of every tier, per-criterion × tier matrix, judge agreement,
// configuration, inputs and methods.
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { ExperimentStats } from '../stats/experiment-stats.js';
import { criteriaMatrix } from './criteria-matrix.js';
import { ci, footer, link, money, num, pct, secs, signed, table, sandboxLabel } from './markdown.js';
import { METHODS } from './report-json.js';

export function renderExperimentReport(
  expDir: string,
  experimentId: string,
  config: ExperimentConfig | null,
  s: ExperimentStats,
): string {
  const out = [
    `# Experiment Report: ${experimentId}`,
    '',
    `Charts and tables: ${link(expDir, 'report.html')}`,
    '',
    table(
      ['Metric', 'Value'],
      [
        ...(s.judgeSet ? [['Judge set', `${s.judgeSet.id} (${s.judgeSet.judgeModels.join(', ')})`]] : []),
        ['Runs (passed)', `${s.totalRuns} (${s.passedRuns})`],
        ['Total cost', money(s.totalCostUsd)],
        ['Total run time', secs(s.totalDurationSeconds)],
        ['Best tier', s.bestTier ? link(expDir, `${s.bestTier}/report.md`, s.bestTier) : '—'],
        [
          'Best subtest',
          s.bestTier && s.bestSubtest
            ? link(expDir, `${s.bestTier}/${s.bestSubtest}/report.md`, `${s.bestTier}/${s.bestSubtest}`)
            : '—',
        ],
        [
          'Frontier cost-of-pass',
          s.frontierTier ? `${money(s.frontierCostOfPass)} (${s.frontierTier})` : 'no passing results',
        ],
        ...(config ? [['Sandbox', sandboxLabel(config.sandboxStatus)]] : []),
      ],
    ),
    '',
    '## Tiers',
    '',
    table(
      [
        'Tier',
        'Best subtest',
        'Median [95% CI]',
        'Pass rate [95% CI]',
        'Mean cost',
        'Cost-of-pass',
        'Δ median vs T0 [95% CI]',
        'Δ pass rate vs T0',
        'Fisher p',
        'Total cost',
      ],
      s.tiers.map((t) => {
        const b = t.best;
        const c = t.vsT0;
        return [
          `${t.tier === s.bestTier ? '★ ' : ''}${link(expDir, `${t.tier}/report.md`, t.tier)}`,
          b ? link(expDir, `${t.tier}/${b.id}/report.md`, b.id) : '—',
          b ? `${num(b.stats.medianScore)} ${ci(b.stats.medianScoreCi)}` : '—',
          b ? `${pct(b.stats.passRate)} ${ci(b.stats.passRateCi, pct)}` : '—',
          b ? money(b.stats.meanCostUsd) : '—',
          money(t.costOfPass),
          c ? `${signed(c.medianScoreDiff)} ${ci(c.medianScoreDiffCi, (x) => signed(x))}` : '—',
          c ? `${signed(c.passRateDiff)} ${ci(c.passRateDiffCi, (x) => signed(x))}` : '—',
          c ? num(c.fisherP, 4) : '—',
          money(t.totalCostUsd),
        ];
      }),
    ),
    '',
    "★ = best tier. Cost-of-pass = mean cost per run / pass rate of the tier's best subtest (— when nothing passed).",
  ];
  for (const t of s.tiers) {
    out.push('', `### ${t.tier}${t.name ? ` — ${t.name}` : ''}`, '');
    out.push(
      table(
        ['Subtest', 'Name', 'Runs', 'Pass rate', 'Median', 'Mean', 'Mean cost', 'Cost-of-pass'],
        t.subtests.map((st) => [
          `${st.id === t.selection?.winner ? '★ ' : ''}${link(expDir, `${t.tier}/${st.id}/report.md`, st.id)}`,
          st.name,
          st.stats.runs,
          pct(st.stats.passRate),
          num(st.stats.medianScore),
          num(st.stats.meanScore),
          money(st.stats.meanCostUsd),
          money(st.stats.costOfPass),
        ]),
      ),
    );
    if (t.selection) out.push('', `Best: ${t.selection.winner} — ${t.selection.reason}.`);
  }
  out.push(
    '',
    "## Per-criterion scores (each tier's best subtest, mean over runs)",
    '',
    criteriaMatrix(
      s.criteria,
      s.tiers
        .filter((t) => t.best)
        .map((t) => ({
          head: `${t.tier}/${t.best!.id}`,
          criteria: t.best!.stats.criteria,
          total: t.best!.stats.meanScore,
        })),
      'Mean score',
    ),
    '',
    '## Judges',
    '',
  );
  const a = s.agreement;
  out.push(
    table(
      ['Judge', 'Model', 'Valid', 'Invalid', 'Mean score', 'Pass rate'],
      a.judges.map((j) => [
        j.judgeNumber,
        j.model,
        j.validJudgments,
        j.invalidJudgments,
        num(j.meanScore),
        pct(j.passRate),
      ]),
    ),
    '',
  );
  if (a.runsWithMultipleJudges === 0) out.push('Agreement: no run has two valid judgments.');
  else
    out.push(
      `Agreement over ${a.runsWithMultipleJudges} runs with ≥ 2 valid judges: unanimous pass/fail ${pct(a.unanimousPassRate)}, mean score spread ${num(a.meanScoreSpread)}.`,
      '',
      table(
        ['Pair', 'Runs', 'Pass agreement', "Cohen's κ", 'Mean |Δ score|'],
        a.pairs.map((p) => [
          `${p.a}–${p.b}`,
          p.runs,
          pct(p.passAgreement),
          num(p.cohenKappa),
          num(p.meanAbsScoreDiff),
        ]),
      ),
    );
  out.push(
    '',
    `Grades: ${
      Object.entries(s.grades)
        .map(([g, n]) => `${g} ×${n}`)
        .join(', ') || '—'
    }`,
    '',
    '## Tokens',
    '',
    table(
      ['Input', 'Output', 'Cache read', 'Cache write'],
      [[s.tokens.input, s.tokens.output, s.tokens.cacheRead, s.tokens.cacheCreation]],
    ),
  );
  if (config)
    out.push(
      '',
      '## Configuration',
      '',
      table(
        ['Setting', 'Value'],
        [
          ['Repository', `\`${config.repo}\``],
          ['Commit', config.commit ? `\`${config.commit}\`` : '—'],
          ['Agent / model', `${config.agent} / ${config.model}`],
          ['Judges', config.judgeModels.join(', ')],
          ['Runs per subtest', config.runs],
          ['Tiers', config.tiers.join(' ')],
          ['Timeout', `${config.timeoutSeconds}s`],
        ],
      ),
    );
  out.push(
    '',
    '## Files',
    '',
    ...['prompt.md', 'criteria.md', 'rubric.yaml', 'experiment.json', 'report.json', 'report.html'].map(
      (f) => `- ${link(expDir, f)}`,
    ),
    '',
    '## Methods',
    '',
    ...Object.entries(METHODS).map(([k, v]) => `- **${k}**: ${v}`),
  );
  return out.join('\n') + '\n' + footer();
}
