// One run: what it was asked, what the agent did (transcript), what it changed (diff), how the build
// went, what every judge said side by side, where it came from (provenance), and its raw files.
import {
  badge,
  card,
  enc,
  fill,
  getJson,
  h,
  kb,
  live,
  money,
  num,
  pageData,
  rawUrl,
  runApi,
  secs,
  section,
  showError,
  table,
  throttle,
  when,
} from './lib.js';
import { renderDiff, renderJudges, renderPipeline } from './run-parts.js';
import { renderTranscript } from './transcript.js';

const { exp, tier, subtest, run } = pageData();
const api = runApi(exp, tier, subtest, run);
const main = document.getElementById('main');
const boxes = Object.fromEntries(
  ['summary', 'prompt', 'transcript', 'diff', 'pipeline', 'judges', 'stages', 'provenance', 'files'].map(
    (k) => [k, h('div', { id: `${k}-box` })],
  ),
);

const nav = h(
  'nav',
  { class: 'sections' },
  [
    ['transcript', 'Transcript'],
    ['diff', 'Diff'],
    ['pipeline', 'Build / lint / test'],
    ['judges', 'Judges'],
    ['stages', 'Stages'],
    ['provenance', 'Provenance'],
    ['files', 'Files'],
  ].map(([id, t]) => h('a', { href: `#${id}` }, t)),
);

function summary(d) {
  const r = d.row;
  const res = d.result;
  const final = r.state === 'finalized' || r.state === 'cleaned';
  fill(
    boxes.summary,
    h('h1', {}, d.label, ' ', final ? badge(r.passed ? 'passed' : 'failed') : badge(d.activity, 'running')),
    h(
      'div',
      { class: 'cards' },
      card('Score', num(r.score)),
      card('Grade', r.grade ?? '—'),
      card('Cost', money(r.cost_usd)),
      card('Agent time', secs(r.agent_duration_ms === null ? null : r.agent_duration_ms / 1000)),
      card('Judge time', secs(r.judge_duration_ms === null ? null : r.judge_duration_ms / 1000)),
      card('Turns', res?.num_turns ?? '—'),
      card('Attempt', String(r.attempt)),
      card('Model', res?.model ?? '—'),
    ),
    r.failure
      ? h('p', { class: 'error' }, `${r.failure}${r.failure_detail ? `: ${r.failure_detail}` : ''}`)
      : null,
    h(
      'p',
      { class: 'small' },
      h(
        'a',
        { href: `/compare/runs?a=${enc(`${exp}/${d.dir}`)}`, id: 'compare-run' },
        'compare with another run…',
      ),
      ' · ',
      h('a', { href: rawUrl(exp, d.dir) }, 'all files (JSON)'),
    ),
  );
  fill(
    boxes.prompt,
    d.taskPrompt
      ? h(
          'details',
          {},
          h('summary', {}, `Task prompt (${kb(d.taskPrompt.size)})`),
          h('pre', { id: 'task-prompt' }, d.taskPrompt.text),
        )
      : h('p', { class: 'muted' }, 'No task_prompt.md.'),
  );
  renderPipeline(boxes.pipeline, d.pipeline, exp, d.dir);
  fill(
    boxes.stages,
    table(
      [{ title: 'From' }, { title: 'To' }, { title: 'At' }, { title: 'Detail' }],
      d.transitions.map((t) => [t.from_state ?? '—', t.to_state, when(t.at), t.detail ?? '']),
    ),
    d.discardedAttempts.length
      ? h(
          'details',
          {},
          h('summary', {}, `Discarded attempts (${d.discardedAttempts.length})`),
          table(
            [
              { title: 'Attempt' },
              { title: 'State' },
              { title: 'Failure' },
              { title: 'Cost', cls: 'n' },
              { title: 'When' },
              { title: 'Why' },
            ],
            d.discardedAttempts.map((a) => [
              String(a.attempt),
              a.state,
              a.failure ?? '',
              money(a.cost_usd),
              when(a.discarded_at),
              a.reason,
            ]),
          ),
        )
      : null,
  );
  const p = d.provenance;
  fill(
    boxes.provenance,
    p.model
      ? h('details', {}, h('summary', {}, 'MODEL.md'), h('pre', { id: 'model-md' }, p.model.text))
      : h('p', { class: 'muted' }, 'No MODEL.md.'),
    p.replay
      ? h(
          'details',
          {},
          h('summary', {}, 'replay.sh — re-run this agent command'),
          h('pre', { id: 'replay-sh' }, p.replay.text),
        )
      : null,
    d.resolved
      ? h(
          'details',
          {},
          h('summary', {}, 'Resolved configuration of this run'),
          h('pre', {}, JSON.stringify(d.resolved, null, 2)),
        )
      : null,
    p.agentResult
      ? h(
          'details',
          {},
          h('summary', {}, 'agent/result.json'),
          h('pre', {}, JSON.stringify(p.agentResult, null, 2)),
        )
      : null,
  );
  fill(
    boxes.files,
    d.files.length
      ? h(
          'details',
          {},
          h('summary', {}, `${d.files.length} files (raw, as written)`),
          table(
            [{ title: 'File' }, { title: 'Size', cls: 'n' }],
            d.files.map((f) => [
              h('a', { href: rawUrl(exp, f.path) }, f.path.slice(d.dir.length + 1)),
              kb(f.size),
            ]),
            { id: 'files' },
          ),
        )
      : h('p', { class: 'muted' }, 'No files.'),
  );
}

fill(
  main,
  boxes.summary,
  nav,
  boxes.prompt,
  section('transcript', 'Transcript', boxes.transcript),
  section('diff', 'Diff', boxes.diff),
  section('pipeline', 'Build / lint / test', boxes.pipeline),
  section('judges', 'Judges', boxes.judges),
  section('stages', 'Stages', boxes.stages),
  section('provenance', 'Provenance', boxes.provenance),
  section('files', 'Files', boxes.files),
);

async function load(first) {
  try {
    const d = await getJson(api);
    summary(d);
    const jobs = [
      renderDiff(boxes.diff, api, exp).catch((e) => showError(boxes.diff, e)),
      renderJudges(boxes.judges, api, exp).catch((e) => showError(boxes.judges, e)),
    ];
    if (first || !boxes.transcript.dataset.loaded)
      jobs.push(
        d.transcript.size === null
          ? fill(boxes.transcript, h('p', { class: 'muted' }, 'No transcript (yet).'))
          : renderTranscript(boxes.transcript, `${api}/transcript`).catch((e) =>
              showError(boxes.transcript, e),
            ),
      );
    await Promise.all(jobs);
    return d;
  } catch (e) {
    showError(boxes.summary, e);
    return null;
  }
}

const d = await load(true);
if (d && !['finalized', 'cleaned'].includes(d.row.state)) {
  const again = throttle(async () => {
    delete boxes.transcript.dataset.loaded;
    await load(false);
  }, 2000);
  live([exp], again);
}
