// The run report (run_NN/report.md): summary, tokens, judges, per-criterion scores, files, links.
import type { RunResult } from './run-result.js';
import { footer, link, money, num, table } from './markdown.js';

export function renderRunReport(r: RunResult, runDir: string): string {
  const title = `${r.tier}/${r.subtest}/run_${String(r.run_number).padStart(2, '0')}`;
  const t = r.token_stats;
  const out: string[] = [
    `# Run Report: ${title}`,
    '',
    table(
      ['Metric', 'Value'],
      [
        ['Score', num(r.judge_score)],
        ['Grade', r.judge_grade],
        ['Status', r.judge_passed ? '✓ PASS' : '✗ FAIL'],
        ['Agent end', r.agent_failure],
        ['Cost', money(r.cost_usd)],
        ['Duration (total / agent / judge)', `${r.duration_seconds.toFixed(1)}s / ${r.agent_duration_seconds.toFixed(1)}s / ${r.judge_duration_seconds.toFixed(1)}s`],
        ['Tokens', `${t.input_tokens + t.cache_read_tokens} in (${t.cache_read_tokens} cached) / ${t.output_tokens} out / ${t.cache_creation_tokens} cache created`],
        ['Turns', r.num_turns],
        ['Exit code', r.exit_code ?? '—'],
        ['Branch', `\`${r.branch}\``],
      ],
    ),
    '',
    '## Token breakdown',
    '',
    table(
      ['Input', 'Output', 'Cache read', 'Cache write'],
      [[t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_creation_tokens]],
    ),
    '',
    '## Judges',
    '',
    `Consensus: score ${num(r.judge_score)}, ${r.judge_passed ? 'passed' : 'failed'}, grade ${r.judge_grade}.`,
    '',
    table(
      ['Judge', 'Model', 'Valid', 'Score', 'Passed', 'Grade', 'Files'],
      r.judges.map((j) => {
        const dir = `judge/judge_${String(j.judge_number).padStart(2, '0')}`;
        return [
          j.judge_number,
          j.model,
          j.valid ? 'yes' : `no (${j.failure ?? 'invalid'})`,
          num(j.score),
          j.passed === null ? '—' : j.passed ? 'yes' : 'no',
          j.grade ?? '—',
          `${link(runDir, `${dir}/judgment.json`, 'judgment')} · ${link(runDir, `${dir}/response.txt`, 'response')}`,
        ];
      }),
    ),
    '',
    `Reasoning: ${r.judge_reasoning || '—'}`,
    '',
    '## Criteria',
    '',
  ];
  const crit = Object.entries(r.criteria_scores);
  if (crit.length === 0) out.push('(no per-criterion scores)');
  else
    out.push(
      table(
        ['Criterion', 'Score', 'Explanation'],
        crit.map(([id, c]) => [id, num(c.score), (c.explanations[0] ?? '').slice(0, 100)]),
      ),
    );
  out.push(
    '',
    '## Files',
    '',
    `- Task prompt: ${link(runDir, 'task_prompt.md')}`,
    `- Diff: ${link(runDir, 'diff.patch')}`,
    `- Changed files: ${link(runDir, 'changed_files.json')}`,
    `- Agent output: ${link(runDir, 'agent/stdout.log')} · ${link(runDir, 'agent/result.json')} · ${link(runDir, 'agent/replay.sh')} · ${link(runDir, 'agent/MODEL.md')}`,
    `- Judge context: ${link(runDir, 'judge/context.md')}`,
    `- Build pipeline: ${r.pipeline ? r.pipeline.summary : 'not run'} ${link(runDir, 'judge/pipeline.json', '(details)')}`,
  );
  return out.join('\n') + '\n' + footer();
}
