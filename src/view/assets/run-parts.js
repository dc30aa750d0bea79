// Pieces of the run page that the run-vs-run comparison reuses: the diff (diff2html, syntax
// coloured), the judges side by side with the consensus, and the build/lint/test steps.
import { badge, fill, getJson, h, kb, num, rawUrl, table } from './lib.js';

/** Render the run's diff into `box` with diff2html (line by line, highlighted). */
export async function renderDiff(box, api, exp, { sideBySide = false } = {}) {
  const d = await getJson(`${api}/diff`);
  if (!d.exists)
    return fill(box, h('p', { class: 'muted' }, 'No diff.patch (the run has not got that far).'));
  if (!d.patch.trim()) return fill(box, h('p', { class: 'muted' }, 'The agent changed nothing.'));
  const target = h('div', { class: 'diff' });
  fill(
    box,
    d.truncated
      ? h('p', { class: 'muted' }, `Showing the first ${kb(d.patch.length)} of ${kb(d.size)}.`)
      : null,
    target,
  );
  if (!window.Diff2HtmlUI) return target.append(h('pre', {}, d.patch));
  const ui = new window.Diff2HtmlUI(target, d.patch, {
    drawFileList: true,
    matching: 'lines',
    outputFormat: sideBySide ? 'side-by-side' : 'line-by-line',
    highlight: true,
    fileListToggle: false,
    fileContentToggle: false,
    synchronisedScroll: true,
  });
  ui.draw();
  ui.highlightCode();
  return exp;
}

function verdict(j) {
  return [
    badge(
      j.valid ? (j.passed ? 'passed' : 'failed') : 'invalid',
      j.valid ? (j.passed ? 'passed' : 'failed') : 'warn',
    ),
    ' ',
    h('b', {}, `score ${num(j.score)}`),
    j.grade ? ` · grade ${j.grade}` : '',
  ];
}

/** Every judge side by side, then the consensus, then the per-criterion matrix. */
export async function renderJudges(box, api, exp) {
  const r = await getJson(`${api}/judges`);
  if (!r.judges.length && !r.consensus) return fill(box, h('p', { class: 'muted' }, 'Not judged (yet).'));
  const cards = r.judges.map((j) =>
    h(
      'div',
      { class: 'judge', 'data-judge': j.number },
      h('h3', {}, `Judge ${j.number}`, h('span', { class: 'muted small' }, ` ${j.model}`)),
      h('div', {}, verdict(j), j.failure ? h('span', { class: 'muted' }, ` (${j.failure})`) : null),
      h('div', { class: 'reason' }, j.reasoning || '—'),
      Object.keys(j.criteria).length
        ? table(
            [{ title: 'Criterion' }, { title: 'Score', cls: 'n' }, { title: 'Explanation' }],
            Object.entries(j.criteria).map(([id, c]) => [id, num(c.score), c.explanation]),
          )
        : null,
      h(
        'div',
        { class: 'small' },
        j.files.map((f) => [h('a', { href: rawUrl(exp, f) }, f.split('/').pop()), ' ']),
      ),
    ),
  );
  const c = r.consensus;
  if (c)
    cards.push(
      h(
        'div',
        { class: 'judge consensus', id: 'consensus' },
        h('h3', {}, 'Consensus'),
        h('div', {}, verdict(c)),
        h('div', { class: 'reason' }, c.reasoning || '—'),
        h(
          'div',
          { class: 'small muted' },
          r.scoreSpread === null ? 'one valid judge' : `spread of the judges’ scores: ${num(r.scoreSpread)}`,
        ),
      ),
    );
  const matrix = r.criteria.length
    ? table(
        [
          { title: 'Criterion' },
          ...r.judges.map((j) => ({ title: `Judge ${j.number}`, cls: 'n' })),
          { title: 'Consensus', cls: 'n' },
        ],
        r.criteria.map((id) => [
          id,
          ...r.judges.map((j) => num(j.criteria[id]?.score)),
          num(c?.criteria?.[id]?.score),
        ]),
        { id: 'criteria-matrix' },
      )
    : null;
  fill(box, h('div', { class: 'judges' }, cards), matrix);
}

/** The build / lint / test steps with their output. */
export function renderPipeline(box, p, exp, dir) {
  if (!p) return fill(box, h('p', { class: 'muted' }, 'No build pipeline results (yet).'));
  fill(
    box,
    h('p', {}, badge(p.allPassed ? 'passed' : 'failed'), ` ${p.summary} (${p.language})`),
    table(
      [
        { title: 'Step' },
        { title: 'Status' },
        { title: 'Exit', cls: 'n' },
        { title: 'Time', cls: 'n' },
        { title: 'Command and output' },
      ],
      p.steps.map((s) => [
        s.name,
        badge(s.status, s.status === 'passed' ? 'ok' : s.status === 'failed' ? 'bad' : ''),
        s.exitCode ?? '—',
        `${(s.durationMs / 1000).toFixed(1)} s`,
        h(
          'details',
          {},
          h('summary', {}, h('code', {}, s.command)),
          h('pre', {}, s.output || '(no output)', s.outputTruncated ? '\n…' : ''),
        ),
      ]),
      { id: 'pipeline-steps' },
    ),
    h('p', { class: 'small' }, h('a', { href: rawUrl(exp, `${dir}/judge/commands`) }, 'scripts and logs')),
  );
}
