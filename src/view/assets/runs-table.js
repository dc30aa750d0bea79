// The runs table: one page at a time from the API, sortable columns, filters (status, score,
// turns), paging; its state lives in the page URL so a filtered view can be shared or reloaded.
import { badge, fill, getJson, expApi, h, money, num, runPage, secs, showError, enc } from './lib.js';

const COLUMNS = [
  { key: 'run', title: 'Run' },
  { key: 'state', title: 'Status' },
  { key: 'score', title: 'Score', cls: 'n' },
  { key: null, title: 'Grade' },
  { key: 'cost', title: 'Cost', cls: 'n' },
  { key: 'duration', title: 'Duration', cls: 'n' },
  { key: 'turns', title: 'Turns', cls: 'n' },
  { key: 'agreement', title: 'Judge spread', cls: 'n' },
  { key: 'updated', title: 'Updated' },
];
const FILTERS = [
  'status',
  'minScore',
  'maxScore',
  'minTurns',
  'maxTurns',
  'sort',
  'order',
  'offset',
  'limit',
];

function statusCell(r) {
  if (r.state === 'finalized' || r.state === 'cleaned') return badge(r.passed ? 'passed' : 'failed');
  if (['rate_limited', 'infra_failed', 'interrupted', 'judge_failed'].includes(r.state))
    return badge(r.activity, 'redo');
  if (r.state === 'pending') return badge('queued', '');
  return badge(r.activity, 'running');
}

/** Mount a runs table in `box` for experiment `exp` (fixed `params`: tier, subtest). */
export function runsTable(box, { exp, params }) {
  const url = new URL(location.href);
  const state = { sort: 'run', order: 'asc', offset: 0, limit: 50 };
  for (const k of FILTERS) if (url.searchParams.get(k)) state[k] = url.searchParams.get(k);
  state.offset = Number(state.offset) || 0;
  state.limit = Number(state.limit) || 50;

  const status = h(
    'select',
    { id: 'filter-status' },
    ['', 'finished', 'passed', 'failed', 'running', 'queued', 'redo'].map((v) =>
      h('option', { value: v, selected: state.status === v }, v || 'any status'),
    ),
  );
  const numIn = (id, key, ph) =>
    h('input', { id, class: 'num', type: 'number', step: 'any', placeholder: ph, value: state[key] ?? '' });
  const inputs = {
    minScore: numIn('filter-min-score', 'minScore', 'min'),
    maxScore: numIn('filter-max-score', 'maxScore', 'max'),
    minTurns: numIn('filter-min-turns', 'minTurns', 'min'),
    maxTurns: numIn('filter-max-turns', 'maxTurns', 'max'),
  };
  const apply = () => {
    state.status = status.value || undefined;
    for (const [k, el] of Object.entries(inputs)) state[k] = el.value === '' ? undefined : el.value;
    state.offset = 0;
    void refresh();
  };
  status.addEventListener('change', apply);
  for (const el of Object.values(inputs)) el.addEventListener('change', apply);
  const info = h('span', { class: 'muted', id: 'runs-info' });
  const prev = h(
    'button',
    { id: 'runs-prev', onclick: () => ((state.offset = Math.max(0, state.offset - state.limit)), refresh()) },
    '‹ prev',
  );
  const next = h(
    'button',
    { id: 'runs-next', onclick: () => ((state.offset += state.limit), refresh()) },
    'next ›',
  );
  const body = h('div');
  fill(
    box,
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'Status'),
      status,
      h('label', {}, 'Score'),
      inputs.minScore,
      inputs.maxScore,
      h('label', {}, 'Turns'),
      inputs.minTurns,
      inputs.maxTurns,
      prev,
      next,
      info,
    ),
    body,
  );

  function header() {
    return h(
      'tr',
      {},
      COLUMNS.map((c) => {
        if (!c.key) return h('th', { class: c.cls }, c.title);
        const sorted = state.sort === c.key ? ` sorted-${state.order}` : '';
        return h(
          'th',
          {
            class: `sortable${sorted} ${c.cls ?? ''}`,
            'data-sort': c.key,
            onclick: () => {
              state.order = state.sort === c.key && state.order === 'asc' ? 'desc' : 'asc';
              state.sort = c.key;
              state.offset = 0;
              void refresh();
            },
          },
          c.title,
        );
      }),
    );
  }

  async function refresh() {
    const q = new URLSearchParams({ ...params });
    for (const k of FILTERS) if (state[k] !== undefined && state[k] !== '') q.set(k, state[k]);
    const page = new URL(location.href);
    for (const k of FILTERS) page.searchParams.delete(k);
    for (const k of FILTERS)
      if (
        state[k] !== undefined &&
        state[k] !== '' &&
        !['offset', 'limit'].includes(k) &&
        !(k === 'sort' && state[k] === 'run') &&
        !(k === 'order' && state[k] === 'asc')
      )
        page.searchParams.set(k, state[k]);
    if (state.offset) page.searchParams.set('offset', state.offset);
    history.replaceState(null, '', page);
    try {
      const p = await getJson(`${expApi(exp)}/runs?${q}`);
      const rows = p.rows.map((r) =>
        h(
          'tr',
          { 'data-run': r.label, 'data-state': r.state },
          h('td', {}, h('a', { href: runPage(exp, r.path), class: 'run-link' }, r.label)),
          h('td', {}, statusCell(r)),
          h('td', { class: 'n' }, num(r.score)),
          h('td', {}, r.grade ?? '—'),
          h('td', { class: 'n' }, money(r.costUsd)),
          h('td', { class: 'n' }, secs(r.durationSeconds)),
          h('td', { class: 'n' }, r.turns ?? '—'),
          h(
            'td',
            { class: 'n', title: `${r.validJudges} valid judge(s)` },
            r.scoreSpread === null ? '—' : num(r.scoreSpread),
          ),
          h('td', { class: 'small muted' }, new Date(r.updatedAt).toLocaleTimeString('en-GB')),
        ),
      );
      fill(body, h('table', { id: 'runs-table' }, h('thead', {}, header()), h('tbody', {}, rows)));
      const last = Math.min(p.total, p.offset + p.rows.length);
      info.textContent = p.total ? `${p.offset + 1}–${last} of ${p.total}` : 'no runs match';
      info.dataset.total = String(p.total);
      prev.disabled = p.offset === 0;
      next.disabled = last >= p.total;
    } catch (e) {
      showError(body, e);
    }
  }

  return { refresh, exp: enc(exp) };
}
