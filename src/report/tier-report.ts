// The tier report (T0/report.md): summary, how the best subtest was chosen (ranking, tie-break),
// subtests overview (★ selected), comparison with T0, per-criterion × subtest matrix, links.
import type { TierStats } from '../stats/experiment-stats.js';
import { TIE_MARGIN } from '../stats/select-best.js';
import { criteriaMatrix } from './criteria-matrix.js';
import { ci, footer, link, money, num, pct, secs, signed, table } from './markdown.js';

export function renderTierReport(tierDir: string, t: TierStats): string {
  const sel = t.selection;
  const out = [
    `# Tier Report: ${t.tier}${t.name ? ` — ${t.name}` : ''}`,
    '',
    ...(t.description ? [t.description, ''] : []),
    'Up: [experiment](../report.md)',
    '',
    table(
      ['Metric', 'Value'],
      [
        ['Subtests', t.subtests.length],
        ['Runs', t.subtests.reduce((a, s) => a + s.stats.runs, 0)],
        ['Best subtest', sel ? `★ ${link(tierDir, `${sel.winner}/report.md`, sel.winner)}` : '—'],
        [
          'Best median score',
          t.best ? `${num(t.best.stats.medianScore)} ${ci(t.best.stats.medianScoreCi)}` : '—',
        ],
        [
          'Best pass rate',
          t.best ? `${pct(t.best.stats.passRate)} ${ci(t.best.stats.passRateCi, pct)}` : '—',
        ],
        ['Cost-of-pass', money(t.costOfPass)],
        ['Total cost', money(t.totalCostUsd)],
        ['Total run time', secs(t.totalDurationSeconds)],
      ],
    ),
    '',
    '## Selection',
    '',
  ];
  if (!sel) out.push('No subtest has finalized runs.');
  else {
    out.push(
      `Winner: **${sel.winner}** — ${sel.reason}. Margin between the top two medians: ${num(sel.margin)} (tie-break below ${TIE_MARGIN}${sel.tieBreakerUsed ? ': used' : ': not needed'}).`,
      '',
      table(
        ['Rank', 'Subtest', 'Median', 'Tie-break composite'],
        sel.ranking.map((r, i) => [
          i + 1,
          `${r.subtest === sel.winner ? '★ ' : ''}${r.subtest}`,
          num(r.median),
          num(r.composite, 4),
        ]),
      ),
    );
  }
  out.push(
    '',
    '## Subtests',
    '',
    table(
      [
        'Subtest',
        'Name',
        'Runs',
        'Median [95% CI]',
        'Pass rate [95% CI]',
        'Consistency',
        'Run time',
        'Mean cost',
        'Cost-of-pass',
        'Tokens in/out',
      ],
      t.subtests.map((s) => [
        `${s.id === sel?.winner ? '★ ' : ''}${link(tierDir, `${s.id}/report.md`, s.id)}`,
        s.name,
        s.stats.runs,
        `${num(s.stats.medianScore)} ${ci(s.stats.medianScoreCi)}`,
        `${pct(s.stats.passRate)} ${ci(s.stats.passRateCi, pct)}`,
        num(s.stats.consistency),
        secs(s.stats.totalDurationSeconds),
        money(s.stats.meanCostUsd),
        money(s.stats.costOfPass),
        `${s.stats.tokens.input + s.stats.tokens.cacheRead} / ${s.stats.tokens.output}`,
      ]),
    ),
    '',
    "★ = selected as the tier's best subtest.",
  );
  if (t.vsT0) {
    const c = t.vsT0;
    out.push(
      '',
      `## Against T0 (${c.candidate} vs ${c.baseline})`,
      '',
      table(
        ['Measure', 'Difference', '95% CI'],
        [
          ['Median score', signed(c.medianScoreDiff), ci(c.medianScoreDiffCi, (x) => signed(x))],
          ['Pass rate', signed(c.passRateDiff), ci(c.passRateDiffCi, (x) => signed(x))],
        ],
      ),
      '',
      `Fisher's exact test on pass counts (two-sided): p = ${num(c.fisherP, 4)}.`,
    );
  }
  const criteria = [...new Set(t.subtests.flatMap((s) => Object.keys(s.stats.criteria)))];
  out.push(
    '',
    '## Per-criterion scores (mean over runs)',
    '',
    criteriaMatrix(
      criteria,
      t.subtests
        .filter((s) => s.stats.runs > 0)
        .map((s) => ({ head: s.id, criteria: s.stats.criteria, total: s.stats.meanScore })),
      'Mean score',
    ),
    '',
    '## Tokens',
    '',
    table(
      ['Input', 'Output', 'Cache read', 'Cache write'],
      [[t.tokens.input, t.tokens.output, t.tokens.cacheRead, t.tokens.cacheCreation]],
    ),
  );
  return out.join('\n') + '\n' + footer();
}
