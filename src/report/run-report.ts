// The run report (run_NN/report.md + report.json): summary, tokens, judges, per-criterion scores,
// changed files, links. Written once at finalize (and by `scylla report` only when missing).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangedFileSchema, type ChangedFile } from '../workspace/changed-file.js';
import { RECORD, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { RunResult } from '../stats/run-result.js';
import { footer, link, money, num, sandboxLabel, table } from './markdown.js';

/** run_NN/report.json (no timestamps: identical whenever it is written). */
export function runReportJson(r: RunResult) {
  return {
    run_number: r.run_number,
    score: r.judge_score,
    grade: r.judge_grade,
    passed: r.judge_passed,
    cost_usd: r.cost_usd,
    duration_seconds: r.duration_seconds,
  };
}

/** Write run_NN/report.json and report.md from the run's run_result.json record. */
export function writeRunReports(r: RunResult, runDir: string): void {
  writeJsonAtomic(join(runDir, 'report.json'), runReportJson(r), RECORD);
  writeFileAtomic(join(runDir, 'report.md'), renderRunReport(r, runDir), RECORD);
}

function changedFiles(runDir: string): ChangedFile[] | null {
  const f = join(runDir, 'changed_files.json');
  if (!existsSync(f)) return null;
  try {
    const parsed = ChangedFileSchema.array().safeParse(JSON.parse(readFileSync(f, 'utf8')));
    return parsed.success ? parsed.data.filter((c) => !c.framework) : null;
  } catch {
    return null;
  }
}

function judgesSection(r: RunResult, runDir: string): string[] {
  const a = r.agreement as {
    validJudges?: number;
    scoreSpread?: number | null;
    passVotes?: number;
    failVotes?: number;
  };
  const out = [
    '## Judges',
    '',
    `Consensus: score ${num(r.judge_score)}, ${r.judge_passed ? 'passed' : 'failed'}, grade ${r.judge_grade}` +
      (r.judges.length > 1
        ? ` (${a.validJudges ?? '?'} of ${r.judges.length} judges valid; ${a.passVotes ?? 0} pass / ${a.failVotes ?? 0} fail votes; score spread ${num(a.scoreSpread ?? null)}).`
        : '.'),
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
          [`${dir}/prompt.md`, `${dir}/response.txt`, `${dir}/judgment.json`]
            .map((f) => link(runDir, f, f.split('/').pop()))
            .join(' · '),
        ];
      }),
    ),
    '',
    `Reasoning: ${r.judge_reasoning || '—'}`,
  ];
  if (r.judges.length > 1)
    for (const j of r.judges)
      out.push('', `### Judge ${j.judge_number} (${j.model})`, '', j.reasoning || '—');
  return out;
}

function criteriaSection(r: RunResult): string[] {
  const crit = Object.entries(r.criteria_scores);
  if (crit.length === 0) return ['## Criteria', '', '(no per-criterion scores)'];
  const out = [
    '## Criteria',
    '',
    table(
      ['Criterion', 'Score', 'Explanation'],
      crit.map(([id, c]) => [
        id,
        c.score === null ? 'N/A' : num(c.score),
        (c.explanations[0] ?? '').slice(0, 100),
      ]),
    ),
    '',
    '### Explanations',
  ];
  for (const [id, c] of crit) {
    out.push('', `**${id}** (${c.score === null ? 'N/A' : num(c.score)})`, '');
    c.explanations.forEach((e, i) => out.push(c.explanations.length > 1 ? `- judge ${i + 1}: ${e}` : e));
  }
  return out;
}

export function renderRunReport(r: RunResult, runDir: string): string {
  const title = `${r.tier}/${r.subtest}/run_${String(r.run_number).padStart(2, '0')}`;
  const t = r.token_stats;
  const files = changedFiles(runDir);
  const out: string[] = [
    `# Run Report: ${title}`,
    '',
    `Up: [subtest ${r.tier}/${r.subtest}](../report.md) · [tier ${r.tier}](../../report.md) · [experiment](../../../report.md)`,
    '',
    table(
      ['Metric', 'Value'],
      [
        ['Score', num(r.judge_score)],
        ['Grade', r.judge_grade],
        ['Status', r.judge_passed ? '✓ PASS' : '✗ FAIL'],
        ['Agent end', r.agent_failure],
        ['Sandbox', sandboxLabel(r.sandbox)],
        ['Cost', money(r.cost_usd)],
        [
          'Duration (total / agent / judge)',
          `${r.duration_seconds.toFixed(1)}s / ${r.agent_duration_seconds.toFixed(1)}s / ${r.judge_duration_seconds.toFixed(1)}s`,
        ],
        [
          'Tokens',
          `${t.input_tokens + t.cache_read_tokens} in (${t.cache_read_tokens} cached) / ${t.output_tokens} out / ${t.cache_creation_tokens} cache created`,
        ],
        ['Turns', r.num_turns],
        ['Exit code', r.exit_code ?? '—'],
        ['Model', r.model],
        ['Branch', `\`${r.branch}\``],
      ],
    ),
    '',
    '## Token breakdown',
    '',
    table(
      ['Input', 'Output', 'Cache read', 'Cache write', 'Total'],
      [
        [
          t.input_tokens,
          t.output_tokens,
          t.cache_read_tokens,
          t.cache_creation_tokens,
          t.input_tokens + t.output_tokens + t.cache_read_tokens + t.cache_creation_tokens,
        ],
      ],
    ),
    '',
    ...judgesSection(r, runDir),
    '',
    ...criteriaSection(r),
    '',
    '## Changed files',
    '',
  ];
  if (files === null) out.push('(not recorded)');
  else if (files.length === 0) out.push('(none)');
  else for (const f of files) out.push(`- \`${f.oldPath ? `${f.oldPath} → ` : ''}${f.path}\` (${f.status})`);
  out.push(
    '',
    `Full diff: ${link(runDir, 'diff.patch')}`,
    '',
    '## Files',
    '',
    `- Task prompt: ${link(runDir, 'task_prompt.md')}`,
    `- Agent: ${['agent/stdout.log', 'agent/stderr.log', 'agent/result.json', 'agent/command_log.json', 'agent/replay.sh', 'agent/MODEL.md'].map((f) => link(runDir, f)).join(' · ')}`,
    `- Judge context: ${link(runDir, 'judge/context.md')} · consensus ${link(runDir, 'judge/result.json')}`,
    `- Build pipeline: ${r.pipeline ? r.pipeline.summary : 'not run'} ${link(runDir, 'judge/pipeline.json', '(details)')}`,
    `- Full record: ${link(runDir, 'run_result.json')}`,
  );
  return out.join('\n') + '\n' + footer();
}
