// Compare two experiments (A − B) per tier (each side's best subtest) and per subtest: medians,
// pass rates, cost-of-pass, differences with 95% CIs and Fisher p. Judge sets are chosen here too
// once a store records more than one.
import { ci, enc, fill, getJson, h, money, num, pct, section, showError, signed, table } from './lib.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

function picker(list, id, value) {
  return h(
    'select',
    { id, name: id },
    list.map((e) =>
      h('option', { value: e.name, selected: e.name === value }, `${e.experimentId} (${e.name})`),
    ),
  );
}

const side = (s) => (s ? `${num(s.median_score)} ${ci(s.median_score_ci)} · ${pct(s.pass_rate)}` : '—');
const delta = (d) =>
  d
    ? [
        `${signed(d.median_score_diff)} ${ci(d.median_score_diff_ci, signed)}`,
        `${signed(d.pass_rate_diff)} ${ci(d.pass_rate_diff_ci, signed)}`,
        num(d.fisher_p, 4),
      ]
    : ['—', '—', '—'];

async function main_() {
  const { experiments } = await getJson('/api/experiments');
  const a = params.get('a') ?? experiments[1]?.name ?? '';
  const b = params.get('b') ?? experiments[0]?.name ?? '';
  const form = h(
    'form',
    { class: 'toolbar', method: 'get', action: '/compare' },
    h('label', {}, 'A'),
    picker(experiments, 'a', a),
    h('label', {}, 'B'),
    picker(experiments, 'b', b),
    h('button', { type: 'submit' }, 'Compare'),
  );
  const out = h('div', { id: 'comparison' });
  fill(main, h('h1', {}, 'Compare experiments'), form, out);
  if (!a || !b) return fill(out, h('p', { class: 'muted' }, 'Pick two experiments.'));
  try {
    const q = new URLSearchParams({ a, b });
    for (const k of ['judgesA', 'judgesB']) if (params.get(k)) q.set(k, params.get(k));
    const c = await getJson(`/api/compare?${q}`);
    const sets = c.judge_sets;
    if (sets.a.available.length > 1 || sets.b.available.length > 1)
      form.append(
        h('label', {}, 'judges A'),
        h(
          'select',
          { name: 'judgesA' },
          sets.a.available.map((n) => h('option', { value: n, selected: n === sets.a.selected }, `set ${n}`)),
        ),
        h('label', {}, 'judges B'),
        h(
          'select',
          { name: 'judgesB' },
          sets.b.available.map((n) => h('option', { value: n, selected: n === sets.b.selected }, `set ${n}`)),
        ),
      );
    fill(
      out,
      table(
        [{ title: '' }, { title: 'A' }, { title: 'B' }],
        [
          [
            'Experiment',
            h('a', { href: `/e/${enc(a)}` }, c.a.experiment),
            h('a', { href: `/e/${enc(b)}` }, c.b.experiment),
          ],
          ['Model', c.a.model ?? '—', c.b.model ?? '—'],
          ['Best tier', c.a.best_tier ?? '—', c.b.best_tier ?? '—'],
          ['Frontier cost-of-pass', money(c.a.frontier_cop), money(c.b.frontier_cop)],
          ['Total cost', money(c.a.total_cost), money(c.b.total_cost)],
        ],
      ),
      section(
        'compare-tiers',
        'Tiers (each side’s best subtest)',
        table(
          [
            { title: 'Tier' },
            { title: 'A best' },
            { title: 'A median · pass' },
            { title: 'A CoP', cls: 'n' },
            { title: 'B best' },
            { title: 'B median · pass' },
            { title: 'B CoP', cls: 'n' },
            { title: 'Δ median A−B [95% CI]' },
            { title: 'Δ pass rate A−B [95% CI]' },
            { title: 'Fisher p', cls: 'n' },
          ],
          c.tiers.map((t) => [
            t.tier,
            t.a?.best_subtest ?? '—',
            side(t.a),
            money(t.a?.cost_of_pass),
            t.b?.best_subtest ?? '—',
            side(t.b),
            money(t.b?.cost_of_pass),
            ...delta(t.a_minus_b),
          ]),
          { id: 'compare-tier-table' },
        ),
      ),
      section(
        'compare-subtests',
        'Subtests',
        table(
          [
            { title: 'Subtest' },
            { title: 'A median · pass' },
            { title: 'A runs', cls: 'n' },
            { title: 'B median · pass' },
            { title: 'B runs', cls: 'n' },
            { title: 'Δ median A−B [95% CI]' },
            { title: 'Δ pass rate A−B [95% CI]' },
            { title: 'Fisher p', cls: 'n' },
          ],
          c.subtests.map((s) => [
            `${s.tier}/${s.subtest}`,
            side(s.a?.summary),
            s.a?.summary.total_runs ?? '—',
            side(s.b?.summary),
            s.b?.summary.total_runs ?? '—',
            ...delta(s.a_minus_b),
          ]),
          { id: 'compare-subtest-table' },
        ),
      ),
    );
  } catch (e) {
    showError(out, e);
  }
}

await main_();
