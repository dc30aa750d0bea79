// The judge's user message: task, agent answer, workspace changes, diff, pipeline, criteria and rubric as Markdown.
import type { AgentOutcome } from '../outcomes.js';
import { rubricItems, type Rubric } from '../config/rubric.js';
import { fenced, truncateChars, truncateLines } from './markdown.js';

/** One build/lint/test step as the judge sees it. */
export interface PipelineStepView {
  name: string;
  /** Same values as the pipeline's StepStatus, so a PipelineResult can be passed as is. */
  status: 'passed' | 'failed' | 'not_available' | 'timed_out' | 'skipped';
  output: string;
  /** The step also fails on the unchanged repository, so the agent did not cause it. */
  preExisting?: boolean;
}

/** Everything the judge is shown about one run. */
export interface JudgeContextInput {
  /** The task prompt exactly as sent to the agent. */
  taskPrompt: string;
  /** The agent's final answer text (not its raw JSON). */
  agentResult: string;
  /** How the agent run ended, when not `completed` (e.g. `timed_out`). */
  agentOutcome?: AgentOutcome;
  /** Files the agent changed; framework files (CLAUDE.md, .claude/**) already excluded. */
  changedFiles: { path: string; status: string }[];
  /** Unified diff of the agent's changes, new files included. */
  diff: string;
  deletedFiles: string[];
  /** A known-good solution, when the test case has one. */
  referencePatch?: string;
  /** Contents of criteria.md. */
  criteria?: string;
  rubric: Rubric;
  pipeline?: { summary: string; steps: PipelineStepView[] } | null;
}

/** Diffs longer than this many lines are cut to head + tail. */
export const DIFF_MAX_LINES = 500;
const DIFF_HEAD = 250;
const DIFF_TAIL = 250;
const REF_MAX_LINES = 200;
const REF_HEAD = 100;
const REF_TAIL = 50;
/** Characters of each pipeline step's output shown to the judge. */
export const STEP_OUTPUT_CHARS = 2000;

const STATUS_LABEL: Record<PipelineStepView['status'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  not_available: 'NOT AVAILABLE (tool not installed or not applicable)',
  timed_out: 'TIMED OUT',
  skipped: 'SKIPPED (nothing to check, e.g. no tests)',
};

/** Build the judge's context document (the user message). */
export function buildJudgeContext(input: JudgeContextInput): string {
  const sections: string[] = [];
  sections.push(`## Task Given to Agent\n\n${input.taskPrompt.trim()}`);

  const failure = input.agentOutcome
    ? `The agent run did not end normally (${input.agentOutcome}); judge the workspace as it was left.\n\n`
    : '';
  const answer = input.agentResult.trim()
    ? fenced(input.agentResult.trim(), 'text')
    : '(the agent gave no final answer)';
  sections.push(`## Agent's Output\n\n${failure}${answer}`);

  const files = input.changedFiles.length
    ? input.changedFiles.map((f) => `- \`${f.path}\` (${f.status})`).join('\n')
    : '(no changes detected)';
  sections.push(`## Workspace State After Agent Execution\n\nFiles modified/created by agent:\n\n${files}`);

  if (input.diff.trim()) {
    const diff = truncateLines(input.diff, DIFF_MAX_LINES, DIFF_HEAD, DIFF_TAIL);
    sections.push(`## Git Diff (Patchfile)\n\n${fenced(diff, 'diff')}`);
  }
  if (input.deletedFiles.length) {
    sections.push(`## Deleted Files\n\n${input.deletedFiles.map((f) => `- \`${f}\``).join('\n')}`);
  }
  if (input.referencePatch?.trim()) {
    const ref = truncateLines(input.referencePatch, REF_MAX_LINES, REF_HEAD, REF_TAIL);
    sections.push(
      "## Reference Solution Patch\n\nA known-good solution, for orientation only: the agent's solution need not " +
        `be identical, only equally correct.\n\n${fenced(ref, 'diff')}`,
    );
  }
  sections.push(pipelineSection(input.pipeline));
  if (input.criteria?.trim()) sections.push(`## Grading Criteria\n\n${input.criteria.trim()}`);
  sections.push(rubricSection(input.rubric));
  sections.push(
    '## Your Answer\n\nScore every rubric item above by its id, then answer with the single JSON object ' +
      'described in your instructions. Answer with JSON only: no prose before or after it.',
  );
  return sections.join('\n\n') + '\n';
}

function pipelineSection(pipeline: JudgeContextInput['pipeline']): string {
  const head = '## Build/Lint/Test Pipeline Results';
  if (!pipeline) return `${head}\n\nNo build/lint/test pipeline was run for this task.`;
  const steps = pipeline.steps.map((s) => {
    const pre = s.preExisting ? ' (pre-existing: it fails the same way on the unchanged repository)' : '';
    const out = s.output.trim()
      ? fenced(truncateChars(s.output.trim(), STEP_OUTPUT_CHARS), 'text')
      : '(no output)';
    return `### ${s.name}: ${STATUS_LABEL[s.status]}${pre}\n\n${out}`;
  });
  return [`${head}\n\n${pipeline.summary.trim()}`, ...steps].join('\n\n');
}

function rubricSection(rubric: Rubric): string {
  const lines = rubricItems(rubric).map((it) => {
    const where = it.category ? ` [${it.category}, ${it.scoringType}]` : '';
    const kind =
      it.kind === 'binary' ? 'binary: answer 0 or 1' : 'scaled: answer 0.0-1.0, partial credit allowed';
    let line = `- **${it.id}**${where} (weight ${round(it.weight)}; ${kind}): ${it.description}`;
    if (it.naCondition) line += `\n  - N/A when: ${it.naCondition} (then answer \`null\`)`;
    for (const c of it.subChecks ?? []) line += `\n  - check: ${c}`;
    for (const [score, text] of Object.entries(it.anchors ?? {}).sort(
      (a, b) => Number(b[0]) - Number(a[0]),
    )) {
      line += `\n  - ${score}: ${text}`;
    }
    return line;
  });
  const t = rubric.grading.pass_threshold;
  return (
    `## Rubric\n\nScore each item from 0.0 to 1.0 (or \`null\` when its N/A condition holds). ` +
    `The overall score is the weighted mean of the applicable items; a run passes when it reaches ${t}.\n\n` +
    lines.join('\n')
  );
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
