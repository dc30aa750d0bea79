// Chart specs of the HTML report (Vega-Lite), rendered to static SVG in Node with vega's headless
// SVG renderer: no browser, canvas or network; the SVG is inlined in report.html.
import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentStats } from '../../stats/experiment-stats.js';

/** A chart as rendered: an id (for tests and anchors), a title, and its SVG markup. */
export interface Chart {
  id: string;
  title: string;
  svg: string;
}

const CONFIG = { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } };

/** vega and vega-lite are large: loaded the first time a chart is drawn, never at start-up. */
let renderer: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

/** Load vega and vega-lite now (the renderer child does, while its page's statistics are computed). */
export function loadChartLibraries(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  return (renderer ??= Promise.all([import('vega'), import('vega-lite')]));
}

/** Render a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await loadChartLibraries();
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Per tier: a bar for the best subtest's value and a rule for its CI. */
function tierBarsWithCi(
  id: string,
  title: string,
  rows: { tier: string; value: number; lo: number; hi: number; label: string }[],
  axis: string,
  format: string,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: Math.max(160, rows.length * 60),
    height: 200,
    data: { values: rows },
    encoding: { x: { field: 'tier', type: 'nominal', title: 'Tier', sort: null, axis: { labelAngle: 0 } } },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8', tooltip: true },
        encoding: {
          y: {
            field: 'value',
            type: 'quantitative',
            title: axis,
            scale: { domain: [0, 1] },
            axis: { format },
          },
        },
      },
      {
        mark: { type: 'rule', color: '#222', strokeWidth: 2 },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 10 },
        encoding: { y: { field: 'hi', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
    description: `${id}: ${title}`,
  };
}

/** Tier comparison charts: median score (CI whiskers), pass rate (CI whiskers), cost-of-pass. */
export async function tierCharts(s: ExperimentStats): Promise<Chart[]> {
  const tiers = s.tiers.filter((t) => t.best);
  if (tiers.length === 0) return [];
  const score = tiers.map((t) => {
    const st = t.best!.stats;
    const [lo, hi] = st.medianScoreCi ?? [st.medianScore, st.medianScore];
    return { tier: t.tier, value: st.medianScore, lo, hi, label: st.medianScore.toFixed(2) };
  });
  const pass = tiers.map((t) => {
    const st = t.best!.stats;
    const [lo, hi] = st.passRateCi ?? [st.passRate, st.passRate];
    return { tier: t.tier, value: st.passRate, lo, hi, label: `${Math.round(st.passRate * 100)}%` };
  });
  const cop = tiers.map((t) => ({
    tier: t.tier,
    cop: t.costOfPass ?? 0,
    label: t.costOfPass === null ? '∞ (no pass)' : `$${t.costOfPass.toFixed(4)}`,
    frontier: t.tier === s.frontierTier ? 'frontier' : 'other',
  }));
  const copSpec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: Math.max(160, cop.length * 60),
    height: 200,
    data: { values: cop },
    encoding: { x: { field: 'tier', type: 'nominal', title: 'Tier', sort: null, axis: { labelAngle: 0 } } },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'cop', type: 'quantitative', title: 'Cost-of-pass (USD)' },
          color: {
            field: 'frontier',
            type: 'nominal',
            scale: { domain: ['frontier', 'other'], range: ['#54a24b', '#9ecae9'] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 10 },
        encoding: { y: { field: 'cop', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  return [
    {
      id: 'chart-tier-score',
      title: "Median score of each tier's best subtest (95% CI)",
      svg: await renderSvg(tierBarsWithCi('chart-tier-score', 'median score', score, 'Median score', '.1f')),
    },
    {
      id: 'chart-tier-pass',
      title: "Pass rate of each tier's best subtest (95% CI)",
      svg: await renderSvg(tierBarsWithCi('chart-tier-pass', 'pass rate', pass, 'Pass rate', '.0%')),
    },
    {
      id: 'chart-tier-cop',
      title: 'Cost-of-pass per tier (green: frontier; ∞ when nothing passed)',
      svg: await renderSvg(copSpec),
    },
  ];
}

/** Subtests that no other subtest beats on both mean cost (lower) and median score (higher). */
export function paretoFrontier<T extends { cost: number; score: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.score - a.score);
  const out: T[] = [];
  for (const p of sorted) if (out.length === 0 || p.score > out[out.length - 1].score) out.push(p);
  return out;
}

/** Score vs cost of every subtest with runs; the cost/score Pareto frontier drawn as a line. */
export async function scatterChart(s: ExperimentStats): Promise<Chart | null> {
  const points = s.tiers.flatMap((t) =>
    t.subtests
      .filter((x) => x.stats.runs > 0)
      .map((x) => ({
        tier: t.tier,
        subtest: `${t.tier}/${x.id}`,
        cost: x.stats.meanCostUsd,
        score: x.stats.medianScore,
        passRate: x.stats.passRate,
      })),
  );
  if (points.length === 0) return null;
  const frontier = paretoFrontier(points).map((p) => ({ ...p, onFrontier: 'Pareto frontier' }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: frontier },
        mark: { type: 'line', color: '#54a24b', strokeDash: [4, 3], point: false },
        encoding: {
          x: { field: 'cost', type: 'quantitative', title: 'Mean cost per run (USD)' },
          y: { field: 'score', type: 'quantitative', title: 'Median score', scale: { domain: [0, 1] } },
          order: { field: 'cost', type: 'quantitative' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 80, tooltip: { content: 'data' } },
        encoding: {
          x: { field: 'cost', type: 'quantitative' },
          y: { field: 'score', type: 'quantitative' },
          color: { field: 'tier', type: 'nominal', title: 'Tier' },
        },
      },
      {
        data: { values: frontier },
        mark: { type: 'point', shape: 'circle', size: 260, color: '#54a24b', strokeWidth: 2, filled: false },
        encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'score', type: 'quantitative' } },
      },
      {
        data: { values: points },
        mark: { type: 'text', dx: 8, align: 'left', fontSize: 10 },
        encoding: {
          x: { field: 'cost', type: 'quantitative' },
          y: { field: 'score', type: 'quantitative' },
          text: { field: 'subtest' },
        },
      },
    ],
  };
  return {
    id: 'chart-scatter',
    title: 'Median score vs mean cost per subtest (green ring and dashed line: cost/score Pareto frontier)',
    svg: await renderSvg(spec),
  };
}

/** Criterion × subtest heatmap of mean per-criterion scores. */
export async function heatmapChart(s: ExperimentStats): Promise<Chart | null> {
  const cells = s.tiers.flatMap((t) =>
    t.subtests
      .filter((x) => x.stats.runs > 0)
      .flatMap((x) =>
        Object.entries(x.stats.criteria)
          .filter((e): e is [string, number] => e[1] !== null)
          .map(([criterion, score]) => ({
            column: `${t.tier}/${x.id}`,
            criterion,
            score,
            label: score.toFixed(2),
          })),
      ),
  );
  if (cells.length === 0) return null;
  const columns = [...new Set(cells.map((c) => c.column))];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: Math.max(200, columns.length * 56),
    height: Math.max(80, s.criteria.length * 26),
    data: { values: cells },
    encoding: {
      x: { field: 'column', type: 'nominal', title: 'Subtest', sort: columns, axis: { labelAngle: -30 } },
      y: { field: 'criterion', type: 'nominal', title: 'Criterion', sort: s.criteria },
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: {
            field: 'score',
            type: 'quantitative',
            title: 'Score',
            scale: { domain: [0, 1], scheme: 'redyellowgreen' },
          },
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  };
  return { id: 'chart-heatmap', title: 'Mean score per criterion and subtest', svg: await renderSvg(spec) };
}
