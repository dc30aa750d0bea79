// The judge's context document: section order, criteria, rubric, new-file diff, truncation, pipeline.
import { describe, expect, it } from 'vitest';
import { RubricSchema } from '../../src/config/rubric.js';
import { buildJudgeContext, type JudgeContextInput } from '../../src/judge/context.js';

const rubric = RubricSchema.parse({
  categories: {
    functional: {
      weight: 0.7,
      items: [
        { id: 'F1', check: 'hello.py exists' },
        { id: 'F2', check: 'pre-commit hooks pass', na_condition: 'no .pre-commit-config.yaml' },
      ],
    },
  },
  grading: { pass_threshold: 0.65 },
});

const newFileDiff = `diff --git a/hello.py b/hello.py
new file mode 100644
index 0000000..e75154b
--- /dev/null
+++ b/hello.py
@@ -0,0 +1 @@
+print("Hello, World!")
`;

function input(over: Partial<JudgeContextInput> = {}): JudgeContextInput {
  return {
    taskPrompt: 'Create hello.py printing Hello, World!',
    agentResult: 'I created hello.py.',
    changedFiles: [{ path: 'hello.py', status: 'added' }],
    diff: newFileDiff,
    deletedFiles: [],
    criteria: '- R001: hello.py exists\n  Verification: ls hello.py',
    rubric,
    pipeline: null,
    ...over,
  };
}

describe('buildJudgeContext', () => {
  it('has the sections in order, with criteria, rubric items and the new file diff', () => {
    const doc = buildJudgeContext(input({ deletedFiles: ['old.txt'], referencePatch: '+ref' }));
    const order = [
      '## Task Given to Agent',
      "## Agent's Output",
      '## Workspace State After Agent Execution',
      '## Git Diff (Patchfile)',
      '## Deleted Files',
      '## Reference Solution Patch',
      '## Build/Lint/Test Pipeline Results',
      '## Grading Criteria',
      '## Rubric',
    ];
    const positions = order.map((h) => doc.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(doc).toContain('Verification: ls hello.py');
    expect(doc).toContain('- `hello.py` (added)');
    expect(doc).toContain('+++ b/hello.py\n@@ -0,0 +1 @@\n+print("Hello, World!")');
    expect(doc).toMatch(/\*\*F1\*\* \[functional, checklist\] \(weight 0\.35;.*hello\.py exists/);
    expect(doc).toContain('N/A when: no .pre-commit-config.yaml');
    expect(doc).toContain('reaches 0.65');
    expect(doc.trimEnd()).toMatch(/JSON only[^\n]*$/);
  });

  it('truncates a long diff head + tail with a marker saying how many lines were omitted', () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `+line ${i + 1}`);
    const doc = buildJudgeContext(input({ diff: lines.join('\n') }));
    expect(doc).toContain('[... 700 lines omitted (1200 lines in total) ...]');
    expect(doc).toContain('+line 250\n[...');
    expect(doc).toContain('...]\n+line 951');
    expect(doc).not.toContain('+line 251\n');
    expect(doc).toContain('+line 1200');
  });

  it('truncates the reference patch, shows pipeline steps and the agent failure, and survives backticks', () => {
    const ref = Array.from({ length: 300 }, (_, i) => `+ref ${i + 1}`).join('\n');
    const doc = buildJudgeContext(
      input({
        agentOutcome: 'timed_out',
        agentResult: 'Here:\n```py\nprint(1)\n```',
        referencePatch: ref,
        changedFiles: [],
        diff: '',
        pipeline: {
          summary: '1 of 2 steps failed',
          steps: [
            { name: 'compileall', status: 'passed', output: 'ok' },
            { name: 'ruff', status: 'not_available', output: '' },
            { name: 'pytest', status: 'failed', output: 'E'.repeat(5000), preExisting: true },
          ],
        },
      }),
    );
    expect(doc).toContain('[... 150 lines omitted (300 lines in total) ...]');
    expect(doc).toContain('(timed_out)');
    expect(doc).toContain('(no changes detected)');
    expect(doc).not.toContain('## Git Diff');
    expect(doc).toContain('1 of 2 steps failed');
    expect(doc).toContain('### compileall: PASSED');
    expect(doc).toContain('### ruff: NOT AVAILABLE');
    expect(doc).toMatch(/### pytest: FAILED \(pre-existing/);
    expect(doc).toContain('E'.repeat(2000) + '\n[... 3000 more characters omitted ...]');
    expect(doc).not.toContain('E'.repeat(2001));
    expect(doc).toContain('````text\nHere:\n```py');
  });
});
