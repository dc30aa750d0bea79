// A tier or a subtest: for a subtest its resolved configuration (CLAUDE.md blocks, skills, agents,
// tools, MCP servers, system prompt, baseline) and statistics, for a tier its subtests; then the
// runs table and a text search through the runs' transcripts.
import {
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
  section,
  showError,
  table,
  throttle,
} from './lib.js';
import { runsTable } from './runs-table.js';

const { exp, tier, subtest } = pageData();
const main = document.getElementById('main');
const top = h('div', { id: 'overview' });
const runsBox = h('div', { id: 'runs' });
const found = h('div', { id: 'search-results' });
const q = h('input', {
  id: 'search-q',
  class: 'wide',
  type: 'search',
  placeholder: 'text in transcripts (a tool name, an error, a file)…',
});
const search = h('form', { class: 'toolbar', id: 'search' }, q, h('button', { type: 'submit' }, 'Search'));
fill(
  main,
  h('h1', {}, subtest ? `${tier}/${subtest}` : `Tier ${tier}`),
  top,
  section('runs-section', 'Runs', runsBox),
  section('search-section', 'Search transcripts', search, found),
);

const list = (xs, f = (x) => x) =>
  xs?.length
    ? h(
        'ul',
        {},
        xs.map((x) => h('li', {}, f(x))),
      )
    : h('span', { class: 'muted' }, 'none');

function configView(c) {
  if (!c) return h('p', { class: 'muted' }, 'No resolved configuration recorded for this subtest.');
  const tools = c.tools
    ? `${c.tools.mode}${c.tools.names?.length ? `: ${c.tools.names.join(', ')}` : ''}`
    : 'the CLI default';
  const origin = (o) => `${o.fromTier}/${o.fromSubtest}`;
  const rows = [
    ['Name', c.name ?? ''],
    ['Description', c.description ?? ''],
    [
      'CLAUDE.md',
      c.claudeMd
        ? `${c.claudeMd.source}${c.claudeMd.blocks?.length ? ` — blocks ${c.claudeMd.blocks.join(', ')}` : ''}`
        : '—',
    ],
    ['Skills', list(c.skills, (s) => `${s.name}`)],
    ['Sub-agents', list(c.agents, (s) => `${s.name}`)],
    ['Tools', tools],
    [
      'MCP servers',
      list(
        c.mcpServers,
        (m) =>
          `${m.name}${m.command ? ` (${m.command}${m.args?.length ? ` ${m.args.join(' ')}` : ''})` : ''}`,
      ),
    ],
    ['System prompt', c.systemPromptMode ?? '—'],
    ['Main agent', c.mainAgent ?? '—'],
    ['Thinking', c.thinking ?? 'the CLI default'],
    [
      'Baseline',
      c.inherited
        ? origin(c.inherited)
        : c.extendsPrevious
          ? 'extends the previous tier (none recorded)'
          : 'none',
    ],
    ['Inherited winners', list(c.inheritedWinners, origin)],
  ];
  return h(
    'div',
    { id: 'config' },
    table([{ title: 'Setting' }, { title: 'Value' }], rows),
    c.claudeMd?.content
      ? h('details', {}, h('summary', {}, 'CLAUDE.md as written'), h('pre', {}, c.claudeMd.content))
      : null,
    h(
      'details',
      {},
      h('summary', {}, 'Resolved configuration (JSON)'),
      h('pre', {}, JSON.stringify(c, null, 2)),
    ),
  );
}

function statsView(s) {
  const x = s.summary;
  return table(
    [
      { title: 'Runs', cls: 'n' },
      { title: 'Passed', cls: 'n' },
      { title: 'Pass rate [95% CI]' },
      { title: 'Median [95% CI]' },
      { title: 'Mean', cls: 'n' },
      { title: 'Consistency', cls: 'n' },
      { title: 'Mean cost', cls: 'n' },
      { title: 'Cost-of-pass', cls: 'n' },
    ],
    [
      [
        String(x.total_runs),
        String(x.passed),
        `${pct(x.pass_rate)} ${ci(x.pass_rate_ci, pct)}`,
        `${num(x.median_score)} ${ci(x.median_score_ci)}`,
        num(x.mean_score),
        num(x.consistency),
        money(x.mean_cost),
        money(x.cost_of_pass),
      ],
    ],
  );
}

async function loadOverview() {
  try {
    if (subtest) {
      const s = await getJson(`${expApi(exp)}/subtests/${enc(tier)}/${enc(subtest)}`);
      fill(
        top,
        h('p', { class: 'muted' }, s.description, s.winner === subtest ? ' — ★ the tier’s winner' : ''),
        statsView(s.stats),
        section('configuration', 'Configuration', configView(s.resolved)),
      );
    } else {
      const r = await getJson(`${expApi(exp)}/report`);
      const t = r.children.find((c) => c.tier === tier);
      if (!t) return fill(top, h('p', { class: 'muted' }, 'No statistics for this tier yet.'));
      fill(
        top,
        t.selection ? h('p', {}, `Best: ${t.selection.winner} — ${t.selection.reason}`) : null,
        table(
          [
            { title: 'Subtest' },
            { title: 'Name' },
            { title: 'Runs', cls: 'n' },
            { title: 'Median [95% CI]' },
            { title: 'Pass rate [95% CI]' },
            { title: 'Mean cost', cls: 'n' },
            { title: 'Cost-of-pass', cls: 'n' },
          ],
          t.subtests.map((s) => [
            h(
              'a',
              { href: `/e/${enc(exp)}/${enc(tier)}/${enc(s.subtest_id)}` },
              `${s.selected ? '★ ' : ''}${s.subtest_id}`,
            ),
            s.name,
            String(s.summary.total_runs),
            `${num(s.summary.median_score)} ${ci(s.summary.median_score_ci)}`,
            `${pct(s.summary.pass_rate)} ${ci(s.summary.pass_rate_ci, pct)}`,
            money(s.summary.mean_cost),
            money(s.summary.cost_of_pass),
          ]),
          { id: 'subtests' },
        ),
      );
    }
  } catch (e) {
    showError(top, e);
  }
}

search.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  fill(found, h('p', { class: 'muted' }, 'Searching…'));
  try {
    const p = new URLSearchParams({ q: q.value, tier, ...(subtest ? { subtest } : {}) });
    const r = await getJson(`${expApi(exp)}/search?${p}`);
    fill(
      found,
      h(
        'p',
        { class: 'muted' },
        `${r.matches.length} run(s) match among ${r.scannedRuns} scanned${r.truncated ? ' (stopped early: narrow the search)' : ''}.`,
      ),
      r.matches.length
        ? table(
            [{ title: 'Run' }, { title: 'Hits', cls: 'n' }, { title: 'First match' }],
            r.matches.map((m) => [
              h('a', { href: runPage(exp, m.path) }, m.label),
              String(m.hits),
              h('code', { class: 'small' }, m.snippet),
            ]),
          )
        : null,
    );
  } catch (e) {
    showError(found, e);
  }
});

const runs = runsTable(runsBox, { exp, params: { tier, ...(subtest ? { subtest } : {}) } });
await Promise.all([loadOverview(), runs.refresh()]);
const rowsSoon = throttle(() => runs.refresh(), 1000);
const overviewSoon = throttle(loadOverview, 3000);
live([exp], () => {
  rowsSoon();
  overviewSoon();
});
