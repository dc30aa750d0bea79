// Bad-input corpus, part 2: the texts of a test case — the prompt, expected/criteria.md and
// expected/rubric.yaml (empty, binary, not UTF-8, too large, malformed, weights that sum to 0).
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { aliasBomb, lineIn, write, type BadCase, type CaseCtx } from './bad-input-kit.js';

const prompt = (c: CaseCtx) => join(c.tiersDir, 'prompt.md');
const criteria = (c: CaseCtx) => join(c.tiersDir, 'expected', 'criteria.md');
const rubric = (c: CaseCtx) => join(c.tiersDir, 'expected', 'rubric.yaml');
const MiB = 1024 * 1024;

const rubricText = (name: string, text: string, at: { needle?: string; field?: string }, says: RegExp) =>
  ({
    name: `rubric.yaml: ${name}`,
    build: { rubric: text },
    exit: 1,
    at: (c) => ({
      file: rubric(c),
      ...(at.needle ? { line: lineIn(rubric(c), at.needle) } : {}),
      ...(at.field ? { field: at.field } : {}),
    }),
    says,
  }) satisfies BadCase;

export const TEXTS: BadCase[] = [
  // The prompt
  {
    name: 'prompt: missing',
    setup: (c) => rmSync(prompt(c)),
    exit: 1,
    at: (c) => ({ file: c.testYaml, field: 'task.prompt_file', value: 'prompt.md' }),
    says: /not found/,
  },
  { name: 'prompt: empty', build: { prompt: '' }, exit: 1, at: (c) => ({ file: prompt(c) }), says: /empty/ },
  {
    name: 'prompt: only whitespace',
    build: { prompt: ' \n\n\t\n' },
    exit: 1,
    at: (c) => ({ file: prompt(c) }),
    says: /empty/,
  },
  {
    name: 'prompt: binary',
    setup: (c) =>
      write(prompt(c), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
    exit: 1,
    at: (c) => ({ file: prompt(c) }),
    says: /not text/,
  },
  {
    name: 'prompt: invalid UTF-8',
    setup: (c) =>
      write(prompt(c), Buffer.concat([Buffer.from('# Task\n\nline 3 \xff'), Buffer.from([0xff])])),
    exit: 1,
    at: (c) => ({ file: prompt(c), line: 3 }),
    says: /UTF-8/,
  },
  {
    name: 'prompt: 50 MB',
    setup: (c) => write(prompt(c), Buffer.alloc(50 * MiB, 'a')),
    exit: 1,
    at: (c) => ({ file: prompt(c) }),
    says: /52428800 bytes; the limit is 1 MiB/,
  },
  {
    name: 'prompt: a symlink loop',
    setup: (c) => (rmSync(prompt(c)), symlinkSync('prompt.md', prompt(c))),
    exit: 1,
    at: (c) => ({ file: c.testYaml, field: 'task.prompt_file', value: 'prompt.md' }),
    says: /symlink loop/,
  },

  // expected/criteria.md
  {
    name: 'criteria: empty',
    build: { criteria: '\n' },
    exit: 1,
    at: (c) => ({ file: criteria(c) }),
    says: /empty/,
  },
  {
    name: 'criteria: NUL bytes',
    build: { criteria: '# Criteria\n\0\0\0' },
    exit: 1,
    at: (c) => ({ file: criteria(c), line: 2 }),
    says: /NUL/,
  },
  {
    name: 'criteria: invalid UTF-8',
    setup: (c) => write(criteria(c), Buffer.from([0x23, 0x20, 0xc3, 0x28, 0x0a])),
    exit: 1,
    at: (c) => ({ file: criteria(c), line: 1 }),
    says: /UTF-8/,
  },
  {
    name: 'criteria: over the size limit',
    build: { criteria: 'x'.repeat(MiB + 1) },
    exit: 1,
    at: (c) => ({ file: criteria(c) }),
    says: /limit is 1 MiB/,
  },
  {
    name: 'criteria: a directory',
    setup: (c) => (rmSync(criteria(c)), mkdirSync(criteria(c))),
    exit: 1,
    at: (c) => ({ file: criteria(c) }),
    says: /is a directory/,
  },

  // expected/rubric.yaml
  rubricText('YAML syntax error', 'requirements:\n  - id: R1\n   description: x\n', {}, /invalid YAML/),
  rubricText(
    'weights sum to 0',
    'requirements:\n  - id: R1\n    description: a\n    weight: 0\n  - id: R2\n    description: b\n    weight: 0\n',
    { needle: 'requirements:', field: 'requirements' },
    /weights sum to 0/,
  ),
  rubricText(
    'category weights sum to 0',
    'categories:\n  impl:\n    weight: 0\n    items:\n      - id: I1\n        check: works\n',
    { needle: 'categories:', field: 'categories' },
    /weights sum to 0/,
  ),
  rubricText(
    'item points sum to 0',
    'categories:\n  impl:\n    weight: 1\n    items:\n      - id: I1\n        check: works\n        points: 0\n',
    { needle: 'items:', field: 'categories.impl.items' },
    /points sum to 0/,
  ),
  rubricText(
    'weight out of range',
    'requirements:\n  - id: R1\n    description: a\n    weight: 11\n',
    { needle: 'weight:', field: 'requirements.0.weight' },
    /too big/,
  ),
  rubricText(
    'unknown key in a requirement',
    'requirements:\n  - id: R1\n    description: a\n    wieght: 1\n',
    { needle: 'wieght', field: 'requirements.0.wieght' },
    /unknown key/,
  ),
  rubricText(
    'duplicate ids',
    'requirements:\n  - id: R1\n    description: a\n  - id: R1\n    description: b\n',
    { field: 'requirements.1.id' },
    /duplicate item id/,
  ),
  rubricText('nothing to score', 'grading:\n  pass_threshold: 0.5\n', {}, /needs `requirements`/),
  rubricText(
    'pass_threshold above 1',
    'requirements:\n  - id: R1\n    description: a\ngrading:\n  pass_threshold: 1.5\n',
    { needle: 'pass_threshold', field: 'grading.pass_threshold' },
    /too big/,
  ),
  rubricText('YAML alias bomb', aliasBomb('requirements'), {}, /alias/),
  {
    name: 'rubric.yaml: a directory',
    setup: (c) => (rmSync(rubric(c)), mkdirSync(rubric(c))),
    exit: 1,
    at: (c) => ({ file: rubric(c) }),
    says: /is a directory/,
  },
  {
    name: 'rubric.yaml: invalid UTF-8',
    setup: (c) => write(rubric(c), Buffer.from([0x72, 0x3a, 0x20, 0xfe, 0x0a])),
    exit: 1,
    at: (c) => ({ file: rubric(c), line: 1 }),
    says: /UTF-8/,
  },
];
