// Every route of the viewer: the pages (HTML shells), the JSON API they read (documented at /api
// and in docs/view-api.md), the live event stream, raw artefacts and static assets. GET only.
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { runDirName } from '../store/run-key.js';
import { rawFile, runDirOf } from './artefacts.js';
import { asset } from './assets.js';
import type { Catalog } from './catalog.js';
import { compareExperiments } from './compare-view.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { runJudges } from './judges.js';
import type { LiveHub } from './live.js';
import { page } from './pages.js';
import { HttpError, Router, type RequestContext } from './router.js';
import { runDetail, runDiff } from './run-detail.js';
import { parseRunsQuery, runsPage } from './runs-page.js';
import { searchTranscripts } from './search.js';
import { chartsOf, reportJsonOf, subtestView } from './stats-view.js';
import { experimentProgress, experimentSummary } from './summaries.js';
import { costBasis, readTranscriptWindow, WINDOW_DEFAULT, WINDOW_MAX } from './transcript.js';

/** The API as /api lists it: path → what it returns. */
export const API_DOC: Record<string, string> = {
  'GET /api/experiments': 'every experiment: id, test case, status, run counts, pass rate, cost, start/end',
  'GET /api/experiments/:exp': 'one experiment: its summary, runs in flight (stage, elapsed), pauses, budget',
  'GET /api/experiments/:exp/report':
    "the report's numbers (report.json as `scylla report` would write it now)",
  'GET /api/experiments/:exp/charts/:chart.svg':
    'a report chart as SVG (chart-tier-score, -pass, -cop, chart-scatter, chart-heatmap)',
  'GET /api/experiments/:exp/subtests/:tier/:subtest': "a subtest's resolved configuration and statistics",
  'GET /api/experiments/:exp/runs':
    'a page of runs: tier, subtest, status (finished|passed|failed|running|queued|redo), minScore, maxScore, minTurns, maxTurns, sort (run|score|cost|duration|turns|agreement|state|updated), order (asc|desc), offset, limit (≤ 500)',
  'GET /api/experiments/:exp/search': 'runs whose transcript contains q (tier, subtest, limit); bounded scan',
  'GET /api/experiments/:exp/runs/:tier/:subtest/:run':
    'one run: row, stages, result, task prompt, configuration, build/lint/test steps, provenance, files',
  'GET /api/experiments/:exp/runs/:tier/:subtest/:run/transcript':
    'a window of the transcript from byte `from` (max bytes, ≤ 2 MB): normalised events, next, eof',
  'GET /api/experiments/:exp/runs/:tier/:subtest/:run/diff': 'diff.patch (≤ 2 MB) and its size',
  'GET /api/experiments/:exp/runs/:tier/:subtest/:run/judges':
    "every judge's verdict and the consensus (set: judge set)",
  'GET /api/compare':
    'experiment a against b (judgesA, judgesB: judge sets) per tier and subtest: deltas, CIs, Fisher p',
  'GET /api/events':
    'server-sent events: `experiment` {name, version} when a store changes, `experiments` when the set does (exp=… to watch some)',
  'GET /raw/:exp/<path>': 'a raw artefact of the experiment (text; a directory lists its files)',
};

const crumbsOf = (exp?: string, tier?: string, subtest?: string, run?: string) => [
  { text: 'experiments', href: '/' },
  ...(exp ? [{ text: exp, href: `/e/${encodeURIComponent(exp)}` }] : []),
  ...(tier ? [{ text: tier, href: `/e/${encodeURIComponent(exp!)}/${encodeURIComponent(tier)}` }] : []),
  ...(subtest
    ? [
        {
          text: subtest,
          href: `/e/${encodeURIComponent(exp!)}/${encodeURIComponent(tier!)}/${encodeURIComponent(subtest)}`,
        },
      ]
    : []),
  ...(run ? [{ text: run }] : []),
];

/** Build the router over `catalog`. */
export function buildRoutes(catalog: Catalog, hub: LiveHub): Router {
  const exp = (ctx: RequestContext): ExperimentHandle => {
    const h = catalog.get(ctx.params.exp);
    if (!h) throw new HttpError(404, `no experiment '${ctx.params.exp}' in ${catalog.root}`);
    return h;
  };
  const json = (body: unknown) => ({ kind: 'json' as const, body });
  const runParts = (ctx: RequestContext) => [ctx.params.tier, ctx.params.subtest, ctx.params.run] as const;
  const r = new Router();

  // --- pages ---
  r.get('/', () => ({
    kind: 'html',
    body: page({ script: 'page-experiments.js', title: 'Experiments', crumbs: [{ text: 'experiments' }] }),
  }));
  r.get('/e/:exp', (ctx) => {
    const h = exp(ctx);
    return {
      kind: 'html',
      body: page({
        script: 'page-experiment.js',
        title: h.name,
        crumbs: crumbsOf(h.name),
        data: { exp: h.name },
      }),
    };
  });
  r.get('/e/:exp/:tier', (ctx) => {
    const h = exp(ctx);
    const { tier } = ctx.params;
    return {
      kind: 'html',
      body: page({
        script: 'page-runs.js',
        title: `${tier} · ${h.name}`,
        crumbs: crumbsOf(h.name, tier),
        data: { exp: h.name, tier },
      }),
    };
  });
  r.get('/e/:exp/:tier/:subtest', (ctx) => {
    const h = exp(ctx);
    const { tier, subtest } = ctx.params;
    return {
      kind: 'html',
      body: page({
        script: 'page-runs.js',
        title: `${tier}/${subtest} · ${h.name}`,
        crumbs: crumbsOf(h.name, tier, subtest),
        data: { exp: h.name, tier, subtest },
      }),
    };
  });
  r.get('/e/:exp/:tier/:subtest/:run', (ctx) => {
    const h = exp(ctx);
    const { key } = runDirOf(h, ...runParts(ctx));
    const run = runDirName(key.run);
    return {
      kind: 'html',
      body: page({
        script: 'page-run.js',
        title: `${key.tier}/${key.subtest}/${run} · ${h.name}`,
        crumbs: crumbsOf(h.name, key.tier, key.subtest, run),
        data: { exp: h.name, tier: key.tier, subtest: key.subtest, run: String(key.run) },
        styles: ['/assets/vendor/diff2html.css'],
        scripts: ['/assets/vendor/diff2html-ui.js'],
      }),
    };
  });
  r.get('/compare', () => ({
    kind: 'html',
    body: page({ script: 'page-compare.js', title: 'Compare', crumbs: [...crumbsOf(), { text: 'compare' }] }),
  }));
  r.get('/compare/runs', () => ({
    kind: 'html',
    body: page({
      script: 'page-compare-runs.js',
      title: 'Compare runs',
      crumbs: [...crumbsOf(), { text: 'compare runs' }],
      styles: ['/assets/vendor/diff2html.css'],
      scripts: ['/assets/vendor/diff2html-ui.js'],
    }),
  }));

  // --- API ---
  r.get('/api', () => json({ name: 'scylla view', version: VERSION, readOnly: true, routes: API_DOC }));
  r.get('/api/experiments', () => {
    catalog.rescan();
    return json({
      root: catalog.root,
      single: catalog.single,
      experiments: catalog.list().map((h) => experimentSummary(h)),
    });
  });
  r.get('/api/experiments/:exp', (ctx) => json(experimentProgress(exp(ctx))));
  r.get('/api/experiments/:exp/report', (ctx) => json(reportJsonOf(exp(ctx))));
  r.get('/api/experiments/:exp/charts/:chart', async (ctx) => {
    const id = ctx.params.chart.replace(/\.svg$/, '');
    const chart = (await chartsOf(exp(ctx))).find((c) => c.id === id);
    if (!chart) throw new HttpError(404, `no chart ${id} (yet)`);
    return { kind: 'text', body: chart.svg, type: 'image/svg+xml', cache: 'no-cache' };
  });
  r.get('/api/experiments/:exp/subtests/:tier/:subtest', (ctx) =>
    json(subtestView(exp(ctx), ctx.params.tier, ctx.params.subtest)),
  );
  r.get('/api/experiments/:exp/runs', (ctx) =>
    json(runsPage(exp(ctx), parseRunsQuery(ctx.url.searchParams))),
  );
  r.get('/api/experiments/:exp/search', async (ctx) => {
    const p = ctx.url.searchParams;
    return json(
      await searchTranscripts(exp(ctx), p.get('q') ?? '', {
        tier: p.get('tier') || undefined,
        subtest: p.get('subtest') || undefined,
        limit: Number(p.get('limit')) || undefined,
      }),
    );
  });
  r.get('/api/experiments/:exp/runs/:tier/:subtest/:run', (ctx) =>
    json(runDetail(exp(ctx), ...runParts(ctx))),
  );
  r.get('/api/experiments/:exp/runs/:tier/:subtest/:run/transcript', async (ctx) => {
    const h = exp(ctx);
    const { dir } = runDirOf(h, ...runParts(ctx));
    const from = Math.max(0, Number(ctx.url.searchParams.get('from')) || 0);
    const max = Math.min(
      WINDOW_MAX,
      Math.max(4096, Number(ctx.url.searchParams.get('max')) || WINDOW_DEFAULT),
    );
    try {
      return json(await readTranscriptWindow(join(dir, 'agent', 'stdout.log'), from, max, costBasis(dir)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new HttpError(404, 'this run has no transcript (yet)');
      throw e;
    }
  });
  r.get('/api/experiments/:exp/runs/:tier/:subtest/:run/diff', (ctx) =>
    json(runDiff(exp(ctx), ...runParts(ctx))),
  );
  r.get('/api/experiments/:exp/runs/:tier/:subtest/:run/judges', (ctx) => {
    const h = exp(ctx);
    const { key, dir } = runDirOf(h, ...runParts(ctx));
    const rel = `${key.tier}/${key.subtest}/${runDirName(key.run)}`;
    return json(runJudges(h, key, dir, rel, ctx.url.searchParams.get('set')));
  });
  r.get('/api/compare', (ctx) => {
    const p = ctx.url.searchParams;
    const side = (name: string) => {
      const h = catalog.get(p.get(name) ?? '');
      if (!h) throw new HttpError(404, `compare: no experiment '${p.get(name) ?? ''}' (give ?a=…&b=…)`);
      return h;
    };
    return json(compareExperiments(side('a'), side('b'), { a: p.get('judgesA'), b: p.get('judgesB') }));
  });
  r.get('/api/events', (ctx) => ({
    kind: 'stream',
    start: (req, res) =>
      hub.attach(
        req,
        res,
        ctx.url.searchParams.getAll('exp').filter((n) => catalog.get(n)),
      ),
  }));
  r.get('/raw/:exp/*', (ctx) => rawFile(exp(ctx), ctx.rest));
  r.get('/assets/*', (ctx) => asset(ctx.rest));
  r.get('/favicon.ico', () => asset(['favicon.svg']));
  return r;
}
