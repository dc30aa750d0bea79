// An experiment: summary, what runs now (stage, elapsed), pauses and budget — updated live — then
// the report's tier comparison, charts, subtests per tier, judges, and the runs table.
import {
  badge,
  card,
  ci,
  enc,
  expApi,
  fill,
  getJson,
  h,
  live,
  money,
  num,
  pageData,
  pct,
  runPage,
  secs,
  section,
  showError,
  signed,
  table,
  throttle,
  when,
} from './lib.js';
import { runsTable } from './runs-table.js';

const { exp } = pageData();
const main = document.getElementById('main');
const head = h('div', { id: 'summary' });
const now = h('div', { id: 'progress' });
const report = h('div', { id: 'report' });
const runsBox = h('div', { id: 'runs' });
fill(main, head, now, report, section('runs-section', 'Runs', runsBox));

function renderProgress(p) {
  const s = p.summary;
  fill(
    head,
    h('h1', {}, s.experimentId, ' ', badge(s.status)),
    h(
      'p',
      { class: 'muted' },
      `${s.testCase ?? '—'} · agent ${s.agent ?? '—'} · model ${s.model ?? '—'} · judges ${s.judges.join(', ') || '—'} · `,
      h('a', { href: `/raw/${enc(exp)}/report.html` }, 'static report'),
      ' · ',
      h('a', { href: `${expApi(exp)}/report` }, 'JSON'),
    ),
    h(
      'div',
      { class: 'cards' },
      card('Finished', h('span', { id: 'done-count' }, `${s.runs.done}/${s.runs.total}`)),
      card('Running', String(s.runs.running)),
      card('Queued', String(s.runs.queued)),
      card('To redo', String(s.runs.redo)),
      card('Pass rate', pct(s.passRate)),
      card('Cost', money(s.costUsd)),
      card('Started', when(s.startedAt)),
      card('Ended', s.running ? '—' : when(s.completedAt)),
    ),
    s.stopReason ? h('p', { class: 'error' }, s.stopReason) : null,
  );
  const parts = [];
  if (p.budget) {
    const bar = h('span');
    bar.style.width = `${Math.min(100, p.budget.share * 100).toFixed(1)}%`;
    parts.push(
      h(
        'p',
        { id: 'budget' },
        `Budget: ${money(p.budget.usedUsd)} of ${money(p.budget.capUsd, 2)} `,
        h('span', { class: 'bar' }, bar),
        ` ${pct(p.budget.share)}`,
      ),
    );
  }
  const pauses = p.pauses.filter((x) => x.active);
  if (pauses.length)
    parts.push(
      h(
        'p',
        { class: 'badge warn', id: 'paused' },
        pauses
          .map(
            (x) => `paused (${x.source}, ${x.kind}) until ${when(x.until)}${x.reason ? `: ${x.reason}` : ''}`,
          )
          .join('; '),
      ),
    );
  if (p.active.length)
    parts.push(
      h('h2', {}, `In flight (${p.active.length})`),
      table(
        [
          { title: 'Run' },
          { title: 'Doing' },
          { title: 'Elapsed', cls: 'n' },
          { title: 'In this stage', cls: 'n' },
        ],
        p.active.map((a) => [
          h('a', { href: runPage(exp, `${a.tier}/${a.subtest}/${a.number}`) }, a.run),
          a.activity,
          secs(a.elapsedSeconds),
          secs(a.stageSeconds),
        ]),
        { id: 'active' },
      ),
    );
  if (p.pauses.length)
    parts.push(
      h(
        'details',
        {},
        h('summary', {}, `Rate-limit pauses (${p.pauses.length})`),
        table(
          [
            { title: 'Source' },
            { title: 'Kind' },
            { title: 'Started' },
            { title: 'Until' },
            { title: 'Ended' },
            { title: 'Reason' },
          ],
          p.pauses.map((x) => [
            x.source,
            x.kind,
            when(x.startedAt),
            when(x.until),
            when(x.endedAt),
            x.reason ?? '',
          ]),
        ),
      ),
    );
  fill(now, ...parts);
}

const CHARTS = [
  ['chart-tier-score', 'Median score of each tier’s best subtest (95% CI)'],
  ['chart-tier-pass', 'Pass rate of each tier’s best subtest (95% CI)'],
  ['chart-tier-cop', 'Cost-of-pass per tier'],
  ['chart-scatter', 'Score vs cost per subtest'],
  ['chart-heatmap', 'Mean score per criterion and subtest'],
];

function renderReport(r, version) {
  const tiers = r.children;
  const tierUrl = (t) => `/e/${enc(exp)}/${enc(t)}`;
  const comparison = table(
    [
      { title: 'Tier' },
      { title: 'Best' },
      { title: 'Median [95% CI]' },
      { title: 'Pass rate [95% CI]' },
      { title: 'Cost-of-pass', cls: 'n' },
      { title: 'Δ median vs T0 [95% CI]' },
      { title: 'Δ pass rate vs T0 [95% CI]' },
      { title: 'Fisher p', cls: 'n' },
      { title: 'Runs', cls: 'n' },
    ],
    tiers.map((t) => {
      const s = t.summary;
      const v = t.vs_t0;
      return [
        h('a', { href: tierUrl(t.tier) }, t.tier),
        s.best_subtest ? h('a', { href: `${tierUrl(t.tier)}/${enc(s.best_subtest)}` }, s.best_subtest) : '—',
        s.best_subtest ? `${num(s.best_score)} ${ci(s.best_score_ci)}` : '—',
        s.best_subtest ? `${pct(s.best_pass_rate)} ${ci(s.best_pass_rate_ci, pct)}` : '—',
        money(s.cost_of_pass),
        v ? `${signed(v.median_score_diff)} ${ci(v.median_score_diff_ci, signed)}` : '—',
        v ? `${signed(v.pass_rate_diff)} ${ci(v.pass_rate_diff_ci, signed)}` : '—',
        v ? num(v.fisher_p, 4) : '—',
        String(s.total_runs),
      ];
    }),
    { id: 'tier-comparison' },
  );
  const charts = h(
    'div',
    { class: 'charts' },
    r.summary.total_runs
      ? CHARTS.map(([id, title]) =>
          h(
            'figure',
            {},
            h('img', {
              src: `${expApi(exp)}/charts/${id}.svg?v=${enc(version)}`,
              alt: title,
              id,
              loading: 'lazy',
            }),
            h('figcaption', {}, title),
          ),
        )
      : h('p', { class: 'muted' }, 'No finalized runs yet.'),
  );
  for (const img of charts.querySelectorAll('img'))
    img.addEventListener('error', () => img.closest('figure')?.remove());
  const perTier = tiers.map((t) =>
    h(
      'div',
      {},
      h(
        'h3',
        {},
        h('a', { href: tierUrl(t.tier) }, `Tier ${t.tier}`),
        t.selection
          ? h('span', { class: 'muted small' }, ` — best ${t.selection.winner}: ${t.selection.reason}`)
          : null,
      ),
      table(
        [
          { title: 'Subtest' },
          { title: 'Name' },
          { title: 'Runs', cls: 'n' },
          { title: 'Median [95% CI]' },
          { title: 'Pass rate [95% CI]' },
          { title: 'Consistency', cls: 'n' },
          { title: 'Mean cost', cls: 'n' },
          { title: 'Cost-of-pass', cls: 'n' },
        ],
        t.subtests.map((s) => [
          h(
            'a',
            { href: `${tierUrl(t.tier)}/${enc(s.subtest_id)}` },
            `${s.selected ? '★ ' : ''}${s.subtest_id}`,
          ),
          s.name,
          String(s.summary.total_runs),
          `${num(s.summary.median_score)} ${ci(s.summary.median_score_ci)}`,
          `${pct(s.summary.pass_rate)} ${ci(s.summary.pass_rate_ci, pct)}`,
          num(s.summary.consistency),
          money(s.summary.mean_cost),
          money(s.summary.cost_of_pass),
        ]),
      ),
    ),
  );
  const a = r.agreement;
  const judges = table(
    [
      { title: 'Judge' },
      { title: 'Model' },
      { title: 'Valid', cls: 'n' },
      { title: 'Invalid', cls: 'n' },
      { title: 'Mean score', cls: 'n' },
      { title: 'Pass rate', cls: 'n' },
    ],
    a.judges.map((j) => [
      String(j.judge_number),
      j.model,
      String(j.valid_judgments),
      String(j.invalid_judgments),
      num(j.mean_score),
      pct(j.pass_rate),
    ]),
  );
  const pairs = a.runs_with_multiple_judges
    ? table(
        [
          { title: 'Pair' },
          { title: 'Runs', cls: 'n' },
          { title: 'Pass agreement', cls: 'n' },
          { title: "Cohen's κ", cls: 'n' },
          { title: 'Mean |Δ score|', cls: 'n' },
        ],
        a.pairs.map((p) => [
          p.judges.join('–'),
          String(p.runs),
          pct(p.pass_agreement),
          num(p.cohen_kappa),
          num(p.mean_abs_score_diff),
        ]),
      )
    : h('p', { class: 'muted' }, 'No run has two valid judgments.');
  fill(
    report,
    section(
      'tiers',
      'Tier comparison',
      h(
        'p',
        {},
        `Best: ${r.summary.best_tier ? `${r.summary.best_tier}/${r.summary.best_subtest}` : '—'} · frontier cost-of-pass ${money(r.summary.frontier_cop)}${r.summary.frontier_tier ? ` (${r.summary.frontier_tier})` : ''} · ${r.summary.total_runs} finalized runs`,
      ),
      comparison,
      charts,
    ),
    section('subtests', 'Subtests per tier', perTier),
    section('judges', 'Judges', judges, pairs),
  );
}

const table_ = runsTable(runsBox, { exp, params: {} });

let version = '';
async function loadProgress() {
  try {
    const p = await getJson(expApi(exp));
    renderProgress(p);
    version = p.summary.version;
  } catch (e) {
    showError(head, e);
  }
}
async function loadReport() {
  try {
    renderReport(await getJson(`${expApi(exp)}/report`), version);
  } catch (e) {
    showError(report, e);
  }
}

await loadProgress();
await Promise.all([loadReport(), table_.refresh()]);
const progressSoon = throttle(loadProgress, 500);
const reportSoon = throttle(loadReport, 3000);
const rowsSoon = throttle(() => table_.refresh(), 1000);
live([exp], () => {
  progressSoon();
  rowsSoon();
  reportSoon();
});
