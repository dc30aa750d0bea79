// Two runs side by side: their summaries, transcripts and diffs. Runs are named
// `<experiment>/<tier>/<subtest>/run_NN` in the `a` and `b` parameters.
import { badge, enc, fill, getJson, h, money, num, runApi, runPage, showError } from './lib.js';
import { renderDiff } from './run-parts.js';
import { renderTranscript } from './transcript.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

function parse(ref) {
  const m = /^([^/]+)\/([^/]+)\/([^/]+)\/(?:run_)?(\d+)$/.exec(ref ?? '');
  return m ? { exp: m[1], tier: m[2], subtest: m[3], run: m[4] } : null;
}

async function column(box, ref) {
  const r = parse(ref);
  if (!r) return fill(box, h('p', { class: 'muted' }, 'Give a run as experiment/tier/subtest/run_NN.'));
  const api = runApi(r.exp, r.tier, r.subtest, r.run);
  try {
    const d = await getJson(api);
    const final = d.row.state === 'finalized' || d.row.state === 'cleaned';
    const transcript = h('div');
    const diff = h('div');
    fill(
      box,
      h('h2', {}, h('a', { href: runPage(r.exp, d.dir) }, `${r.exp} · ${d.label}`)),
      h(
        'p',
        {},
        final ? badge(d.row.passed ? 'passed' : 'failed') : badge(d.activity, 'running'),
        ` score ${num(d.row.score)} · ${money(d.row.cost_usd)} · ${d.result?.num_turns ?? '?'} turns`,
      ),
      h('h3', {}, 'Diff'),
      diff,
      h('h3', {}, 'Transcript'),
      transcript,
    );
    await Promise.all([renderDiff(diff, api, r.exp), renderTranscript(transcript, `${api}/transcript`)]);
  } catch (e) {
    showError(box, e);
  }
}

const a = params.get('a') ?? '';
const b = params.get('b') ?? '';
const input = (name, value) =>
  h('input', { name, value, class: 'wide', placeholder: 'experiment/T0/00/run_01' });
const form = h(
  'form',
  { class: 'toolbar', method: 'get', action: '/compare/runs' },
  h('label', {}, 'A'),
  input('a', a),
  h('label', {}, 'B'),
  input('b', b),
  h('button', { type: 'submit' }, 'Compare'),
);
const left = h('div', { id: 'run-a' });
const right = h('div', { id: 'run-b' });
fill(main, h('h1', {}, 'Compare two runs'), form, h('div', { class: 'two' }, left, right));
await Promise.all([column(left, a), column(right, b)]);
void enc;
