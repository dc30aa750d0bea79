// The experiments page: every experiment of the results directory with its live status, run
// counts, pass rate, cost and times; new experiments appear as they start. Pick two to compare.
import { badge, fill, getJson, h, live, money, pct, showError, table, throttle, when, enc } from './lib.js';

const main = document.getElementById('main');

function compareForm(list) {
  const pick = (id, i) =>
    h(
      'select',
      { id },
      list.map((e, k) => h('option', { value: e.name, selected: k === i }, e.name)),
    );
  const a = pick('compare-a', 1);
  const b = pick('compare-b', 0);
  const go = h(
    'button',
    { id: 'compare-go', onclick: () => (location.href = `/compare?a=${enc(a.value)}&b=${enc(b.value)}`) },
    'Compare',
  );
  return h('div', { class: 'toolbar' }, h('label', {}, 'Compare A'), a, h('label', {}, 'with B'), b, go);
}

function render(data) {
  const list = data.experiments;
  const rows = list.map((e) => [
    h('a', { href: `/e/${enc(e.name)}`, class: 'exp-link' }, e.experimentId),
    e.testCase ?? '—',
    badge(e.status),
    h('span', { class: 'runs-done' }, `${e.runs.done}/${e.runs.total}`),
    e.runs.running ? String(e.runs.running) : '',
    pct(e.passRate),
    money(e.costUsd),
    when(e.startedAt),
    e.running ? '—' : when(e.completedAt),
    h('span', { class: 'muted small' }, e.name),
  ]);
  const cols = [
    { title: 'Experiment' },
    { title: 'Test case' },
    { title: 'Status' },
    { title: 'Done/total', cls: 'n' },
    { title: 'Running', cls: 'n' },
    { title: 'Pass rate', cls: 'n' },
    { title: 'Cost', cls: 'n' },
    { title: 'Started' },
    { title: 'Ended' },
    { title: 'Directory' },
  ];
  fill(
    main,
    h('h1', {}, 'Experiments'),
    h('p', { class: 'muted' }, `${list.length} in ${data.root}`),
    list.length
      ? table(cols, rows, { id: 'experiments' })
      : h(
          'p',
          { class: 'muted', id: 'experiments-empty' },
          'No experiment here yet: it appears as soon as `scylla run` starts one.',
        ),
    list.length >= 2 ? compareForm(list) : null,
    h('p', { class: 'small muted' }, 'The same data as JSON: ', h('a', { href: '/api' }, '/api'), '.'),
  );
}

async function load() {
  try {
    render(await getJson('/api/experiments'));
  } catch (e) {
    showError(main, e);
  }
}

await load();
live([], throttle(load, 700));
