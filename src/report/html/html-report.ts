// report.html at the experiment root: one self-contained page (inline CSS and SVG, no scripts, no
// network) with the summary, tier comparison charts, score-vs-cost scatter, per-tier tables,
// per-criterion heatmap, judges, and links to every run report and diff.
import { sandboxLabel } from '../markdown.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../config/experiment-config.js';
import type { ExperimentStats, TierStats } from '../../stats/experiment-stats.js';
import { runDirName } from '../../workspace/paths.js';
import { ci, generatedBy, href, money, num, pct, secs, signed } from '../markdown.js';
import { METHODS } from '../report-json.js';
import { heatmapChart, scatterChart, tierCharts, type Chart } from './charts.js';

/** HTML-escape text. */
export function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}.star{color:#d4a000}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}figcaption{font-size:.85rem;color:#555;max-width:460px}
footer{margin-top:3rem;color:#777;font-size:.85rem}.muted{color:#777}`;

function a(base: string, rel: string, text: string): string {
  return existsSync(join(base, rel)) ? `<a href="${esc(href(rel))}">${esc(text)}</a>` : esc(text);
}

function tableHtml(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map(
    (r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`,
  );
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

function figure(c: Chart): string {
  return `<figure id="${c.id}" class="chart">${c.svg}<figcaption>${esc(c.title)}</figcaption></figure>`;
}

function tierSection(expDir: string, t: TierStats): string {
  const star = (on: boolean) => (on ? '<span class="star">★</span> ' : '');
  const subtests = tableHtml(
    [
      'Subtest',
      'Name',
      'Runs',
      'Median [95% CI]',
      'Pass rate [95% CI]',
      'Consistency',
      'Mean cost',
      'Cost-of-pass',
    ],
    t.subtests.map((s) => [
      star(s.id === t.selection?.winner) + a(expDir, `${t.tier}/${s.id}/report.md`, s.id),
      esc(s.name),
      String(s.stats.runs),
      esc(`${num(s.stats.medianScore)} ${ci(s.stats.medianScoreCi)}`),
      esc(`${pct(s.stats.passRate)} ${ci(s.stats.passRateCi, pct)}`),
      num(s.stats.consistency),
      esc(money(s.stats.meanCostUsd)),
      esc(money(s.stats.costOfPass)),
    ]),
    [2, 5, 6, 7],
  );
  const runs = tableHtml(
    ['Run', 'Score', 'Grade', 'Pass', 'Cost', 'Duration', 'Diff'],
    t.subtests.flatMap((s) =>
      s.runs.map((r) => {
        const dir = `${t.tier}/${s.id}/${runDirName(r.run)}`;
        return [
          a(expDir, `${dir}/report.md`, `${t.tier}/${s.id}/${runDirName(r.run)}`),
          num(r.score),
          esc(r.grade ?? '—'),
          r.passed ? '✓' : '✗',
          esc(money(r.costUsd)),
          esc(secs(r.durationSeconds)),
          a(expDir, `${dir}/diff.patch`, 'diff'),
        ];
      }),
    ),
    [1, 4, 5],
  );
  const reason = t.selection
    ? `<p>Best: <b>${esc(t.selection.winner)}</b> — ${esc(t.selection.reason)}.</p>`
    : '<p class="muted">No finalized runs.</p>';
  return `<section id="tier-${esc(t.tier)}"><h3>${a(expDir, `${t.tier}/report.md`, `Tier ${t.tier}`)}</h3>${reason}${subtests}<details><summary>Runs</summary>${runs}</details></section>`;
}

/** Render report.html. */
export async function renderHtmlReport(
  expDir: string,
  experimentId: string,
  config: ExperimentConfig | null,
  s: ExperimentStats,
  /** report.md is being written alongside (it is written after this page, so it cannot be checked for). */
  withMarkdown = true,
): Promise<string> {
  const [tiers, scatter, heatmap] = await Promise.all([tierCharts(s), scatterChart(s), heatmapChart(s)]);
  const summary = tableHtml(
    ['Metric', 'Value'],
    [
      ['Runs (passed)', `${s.totalRuns} (${s.passedRuns})`],
      ['Total cost', esc(money(s.totalCostUsd))],
      ['Total run time', esc(secs(s.totalDurationSeconds))],
      [
        'Best tier / subtest',
        s.bestTier && s.bestSubtest
          ? a(expDir, `${s.bestTier}/${s.bestSubtest}/report.md`, `${s.bestTier}/${s.bestSubtest}`)
          : '—',
      ],
      [
        'Frontier cost-of-pass',
        s.frontierTier ? esc(`${money(s.frontierCostOfPass)} (${s.frontierTier})`) : 'no passing results',
      ],
      ...(config
        ? [
            ['Agent / model', esc(`${config.agent} / ${config.model}`)],
            ['Judges', esc(config.judgeModels.join(', '))],
            ['Sandbox', esc(sandboxLabel(config.sandboxStatus))],
          ]
        : []),
    ],
  );
  const comparison = tableHtml(
    [
      'Tier',
      'Best',
      'Median [95% CI]',
      'Pass rate [95% CI]',
      'Cost-of-pass',
      'Δ median vs T0 [95% CI]',
      'Δ pass rate vs T0',
      'Fisher p',
    ],
    s.tiers.map((t) => [
      a(expDir, `${t.tier}/report.md`, t.tier),
      t.best ? a(expDir, `${t.tier}/${t.best.id}/report.md`, t.best.id) : '—',
      t.best ? esc(`${num(t.best.stats.medianScore)} ${ci(t.best.stats.medianScoreCi)}`) : '—',
      t.best ? esc(`${pct(t.best.stats.passRate)} ${ci(t.best.stats.passRateCi, pct)}`) : '—',
      esc(money(t.costOfPass)),
      t.vsT0
        ? esc(`${signed(t.vsT0.medianScoreDiff)} ${ci(t.vsT0.medianScoreDiffCi, (x) => signed(x))}`)
        : '—',
      t.vsT0 ? esc(`${signed(t.vsT0.passRateDiff)} ${ci(t.vsT0.passRateDiffCi, (x) => signed(x))}`) : '—',
      t.vsT0 ? num(t.vsT0.fisherP, 4) : '—',
    ]),
  );
  const judges = tableHtml(
    ['Judge', 'Model', 'Valid', 'Invalid', 'Mean score', 'Pass rate'],
    s.agreement.judges.map((j) => [
      String(j.judgeNumber),
      esc(j.model),
      String(j.validJudgments),
      String(j.invalidJudgments),
      num(j.meanScore),
      pct(j.passRate),
    ]),
  );
  const agreement =
    s.agreement.runsWithMultipleJudges === 0
      ? '<p class="muted">No run has two valid judgments.</p>'
      : tableHtml(
          ['Pair', 'Runs', 'Pass agreement', "Cohen's κ", 'Mean |Δ score|'],
          s.agreement.pairs.map((p) => [
            `${p.a}–${p.b}`,
            String(p.runs),
            pct(p.passAgreement),
            num(p.cohenKappa),
            num(p.meanAbsScoreDiff),
          ]),
        );
  const body = [
    `<h1>Experiment report: ${esc(experimentId)}</h1>`,
    `<p>${withMarkdown ? '<a href="report.md">Markdown report</a>' : a(expDir, 'report.md', 'Markdown report')} · ${a(expDir, 'report.json', 'JSON')} · ${a(expDir, 'experiment.json', 'configuration')}</p>`,
    '<h2 id="summary">Summary</h2>',
    summary,
    '<h2 id="tiers">Tier comparison</h2>',
    tiers.length ? tiers.map(figure).join('\n') : '<p class="muted">No finalized runs yet.</p>',
    comparison,
    '<h2 id="cost">Score vs cost</h2>',
    scatter ? figure(scatter) : '<p class="muted">No finalized runs yet.</p>',
    '<h2 id="subtests">Subtests per tier</h2>',
    ...s.tiers.map((t) => tierSection(expDir, t)),
    '<h2 id="criteria">Per-criterion scores</h2>',
    heatmap ? figure(heatmap) : '<p class="muted">No per-criterion scores.</p>',
    '<h2 id="judges">Judges</h2>',
    judges,
    agreement,
    '<h2 id="methods">Methods</h2>',
    `<ul>${Object.entries(METHODS)
      .map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`)
      .join('')}</ul>`,
    `<footer>${esc(generatedBy())}</footer>`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scylla report: ${esc(experimentId)}</title><style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}
