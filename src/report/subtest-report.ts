// The subtest report (T0/00/report.md): summary with CIs, grades, runs overview (★ best run),
// per-criterion × run matrix, token totals, links to run reports and diffs.
import type { SubtestEntry, TierStats } from '../stats/experiment-stats.js';
import { runDirName } from '../workspace/paths.js';
import { criteriaMatrix } from './criteria-matrix.js';
import { ci, footer, link, money, num, pct, secs, table } from './markdown.js';

export function renderSubtestReport(subDir: string, t: TierStats, s: SubtestEntry): string {
  const st = s.stats;
  const selected = t.selection?.winner === s.id;
  const out = [
    `# Subtest Report: ${t.tier}/${s.id}${selected ? ' ★' : ''}`,
    '',
    `**${s.name}**${s.description ? ` — ${s.description}` : ''}`,
    '',
    `Up: [tier ${t.tier}](../report.md) · [experiment](../../report.md)`,
    '',
    selected
      ? `★ Selected as the best subtest of ${t.tier}: ${t.selection!.reason}.`
      : `Not selected (best of ${t.tier}: ${t.selection?.winner ?? '—'}).`,
    '',
    '## Summary',
    '',
    table(
      ['Metric', 'Value', '95% CI'],
      [
        ['Runs', st.runs, ''],
        ['Passed', st.passed, ''],
        ['Pass rate', pct(st.passRate), ci(st.passRateCi, pct)],
        ['Median score', num(st.medianScore), ci(st.medianScoreCi)],
        ['Mean score', num(st.meanScore), ''],
        ['Std dev', num(st.stdDev), ''],
        ['Consistency', num(st.consistency), ''],
        ['Mean cost', money(st.meanCostUsd), ''],
        ['Total cost', money(st.totalCostUsd), ''],
        ['Cost-of-pass', money(st.costOfPass), ''],
        ['Duration (total / mean)', `${secs(st.totalDurationSeconds)} / ${secs(st.meanDurationSeconds)}`, ''],
      ],
    ),
    '',
    `Grades: ${
      Object.entries(st.grades)
        .map(([g, n]) => `${g} ×${n}`)
        .join(', ') || '—'
    }`,
    '',
    '## Runs',
    '',
  ];
  if (s.runs.length === 0) out.push('(no finalized runs)');
  else
    out.push(
      table(
        [
          'Run',
          'Score',
          'Grade',
          'Pass',
          'Duration',
          'Cost',
          'In',
          'Out',
          'Cache read',
          'Cache write',
          'Diff',
        ],
        s.runs.map((r) => {
          const dir = runDirName(r.run);
          return [
            `${r.run === st.bestRun ? '★ ' : ''}${link(subDir, `${dir}/report.md`, dir)}`,
            num(r.score),
            r.grade ?? '—',
            r.passed ? '✓' : '✗',
            secs(r.durationSeconds),
            money(r.costUsd),
            r.tokens.input,
            r.tokens.output,
            r.tokens.cacheRead,
            r.tokens.cacheCreation,
            link(subDir, `${dir}/diff.patch`, 'diff'),
          ];
        }),
      ),
      '',
      '★ = highest-scoring run.',
    );
  const criteria = [...new Set(s.runs.flatMap((r) => Object.keys(r.criteria)))];
  out.push(
    '',
    '## Per-criterion scores',
    '',
    criteriaMatrix(
      criteria,
      s.runs.map((r) => ({ head: runDirName(r.run), criteria: r.criteria, total: r.score })),
      'Score',
    ),
    '',
    '## Tokens',
    '',
    table(
      ['Input', 'Output', 'Cache read', 'Cache write'],
      [[st.tokens.input, st.tokens.output, st.tokens.cacheRead, st.tokens.cacheCreation]],
    ),
  );
  return out.join('\n') + '\n' + footer();
}
