// Bad-input corpus, part 4: the `--config FILE` experiment YAML, command-line flags (a bad value is a
// usage error, exit 2, naming the flag and the value) and the results directory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aliasBomb, write, type BadCase, type CaseCtx } from './bad-input-kit.js';

const experimentFile = (c: CaseCtx) => join(c.root, 'experiment.yaml');

/** `--config FILE` with `text`; the case points at its line `line` (when given). */
const config = (
  name: string,
  text: string | ((c: CaseCtx) => string),
  at: { line?: number; field?: string; value?: unknown },
  says: RegExp,
): BadCase => ({
  name: `--config: ${name}`,
  setup: (c) => write(experimentFile(c), typeof text === 'string' ? text : text(c)),
  flags: (c) => ['--config', experimentFile(c)],
  validateFlags: null,
  exit: 1,
  at: (c) => ({ file: experimentFile(c), ...at }),
  says,
});

/** A flag whose value is wrong: exit 2, naming the flag and the value. */
const flag = (args: string[], says: RegExp, opts: { validate?: boolean } = {}): BadCase => ({
  name: `flag ${args.join(' ')}`,
  flags: () => args,
  validateFlags: opts.validate ? () => args : null,
  exit: 2,
  says,
});

export const FLAG_INPUTS: BadCase[] = [
  {
    name: '--config: file not found',
    flags: (c) => ['--config', join(c.root, 'nope.yaml')],
    validateFlags: null,
    exit: 1,
    at: (c) => ({ file: join(c.root, 'nope.yaml') }),
    says: /not found/,
  },
  {
    name: '--config: a directory',
    flags: (c) => ['--config', c.root],
    validateFlags: null,
    exit: 1,
    at: (c) => ({ file: c.root }),
    says: /is a directory/,
  },
  config('YAML syntax error', 'runs_per_subtest: 2\ntiers: [T0\n', {}, /invalid YAML/),
  config('YAML alias bomb', aliasBomb('agent_args'), {}, /alias/),
  config(
    'unknown key',
    'runs_per_subtest: 2\nrun_per_subtest: 3\n',
    { line: 2, field: 'run_per_subtest' },
    /unknown key/,
  ),
  config('wrong type', 'parallel: many\n', { line: 1, field: 'parallel', value: 'many' }, /is not a number/),
  config('out of range', 'max_cost_usd: -1\n', { line: 1, field: 'max_cost_usd', value: -1 }, /too small/),
  config('unknown tier', 'tiers: [T0, T7]\n', { line: 1, field: 'tiers.1', value: 'T7' }, /is not one of/),
  config(
    'invalid experiment_id',
    'experiment_id: "my run"\n',
    { line: 1, field: 'experiment_id', value: 'my run' },
    /letters, digits/,
  ),
  config(
    'experiment_id with a path',
    'experiment_id: ../escape\n',
    { line: 1, field: 'experiment_id', value: '../escape' },
    /letters, digits/,
  ),
  config(
    'task_repo does not exist',
    (c) => `task_repo: ${join(c.root, 'nope')}\n`,
    { line: 1, field: 'task_repo' },
    /does not exist/,
  ),
  config(
    'task_commit not in the repository',
    'task_commit: 0123456789abcdef0123456789abcdef01234567\n',
    { line: 1, field: 'task_commit', value: '0123456789abcdef0123456789abcdef01234567' },
    /not a commit of/,
  ),
  config(
    'task_prompt_file not found',
    'task_prompt_file: nope.md\n',
    { line: 1, field: 'task_prompt_file', value: 'nope.md' },
    /not found/,
  ),
  {
    ...config('task_prompt_file empty', 'task_prompt_file: empty.md\n', {}, /is empty/),
    setup: (c) => (
      write(join(c.root, 'empty.md'), ''),
      write(experimentFile(c), 'task_prompt_file: empty.md\n')
    ),
    at: (c) => ({ file: join(c.root, 'empty.md') }),
  },

  // Flags: usage errors naming the flag and the value
  flag(['--experiment-id', 'my run'], /--experiment-id: "my run" .*letters, digits/),
  flag(['--experiment-id', '../../escape'], /--experiment-id: "..\/..\/escape" .*letters, digits/),
  flag(['--experiment-id', ''], /--experiment-id: "" /),
  flag(['--tiers', 'T0', 'T9'], /--tiers: "T9" is not a tier/, { validate: true }),
  flag(['--runs', '0'], /--runs must be a positive integer, got '0'/),
  flag(['--runs', 'abc'], /--runs must be a positive integer, got 'abc'/),
  flag(['--parallel', '-1'], /--parallel must be a positive integer, got '-1'/),
  flag(['--timeout', '0'], /--timeout must be a positive number, got '0'/),
  flag(['--max-cost-usd', 'lots'], /--max-cost-usd must be a positive number, got 'lots'/),
  flag(['--thinking', 'extreme'], /--thinking.*extreme/),
  flag(['--judge-transport', 'pigeon'], /--judge-transport.*pigeon/),
  flag(['--subtests', 'T0/x'], /--subtests: 'T0\/x' is not a tier/, { validate: true }),
  flag(['--bogus'], /unknown option '--bogus'/, { validate: true }),
  {
    name: 'flag --subtests T0/09 (no such subtest)',
    flags: () => ['--subtests', 'T0/09'],
    validateFlags: () => ['--subtests', 'T0/09'],
    exit: 1,
    at: () => ({ field: '--subtests', value: 'T0/09' }),
    says: /is not a subtest of T0/,
  },
  {
    name: 'flag --repo: not a git repository',
    setup: (c) => mkdirSync(join(c.root, 'plain')),
    flags: (c) => ['--repo', join(c.root, 'plain')],
    validateFlags: null,
    exit: 1,
    at: () => ({ field: '--repo' }),
    says: /not a git repository/,
  },
  {
    name: 'flag --commit: not in the repository',
    flags: () => ['--commit', 'cafebabecafebabe'],
    validateFlags: null,
    exit: 1,
    at: () => ({ field: '--commit', value: 'cafebabecafebabe' }),
    says: /not a commit of/,
  },
  {
    name: 'flag --commit: an option in disguise',
    flags: () => ['--commit', '--upload-pack=touch /tmp/x'],
    validateFlags: null,
    exit: 1,
    at: () => ({ field: '--commit', value: '--upload-pack=touch /tmp/x' }),
  },
  {
    name: 'flag --prompt: not found',
    flags: (c) => ['--prompt', join(c.root, 'nope.md')],
    validateFlags: null,
    exit: 1,
    at: (c) => ({ file: join(c.root, 'nope.md'), field: '--prompt' }),
    says: /not found/,
  },
  {
    name: 'flag --prompt: binary',
    setup: (c) => write(join(c.root, 'p.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0])),
    flags: (c) => ['--prompt', join(c.root, 'p.bin')],
    validateFlags: null,
    exit: 1,
    at: (c) => ({ file: join(c.root, 'p.bin') }),
    says: /not text/,
  },
  {
    name: 'flag --subtests-dir: not found',
    flags: (c) => ['--subtests-dir', join(c.root, 'nope')],
    validateFlags: (c) => ['--subtests-dir', join(c.root, 'nope')],
    exit: 1,
    at: (c) => ({ file: join(c.root, 'nope'), field: '--subtests-dir' }),
    says: /not found/,
  },
  {
    name: 'flag --tiers-dir: no test case there',
    flags: (c) => ['--tiers-dir', c.root],
    validateFlags: (c) => ['--tiers-dir', c.root],
    exit: 1,
    at: (c) => ({ file: join(c.root, 'test.yaml') }),
    says: /not found/,
  },

  {
    name: 'flag --tests-dir: not a directory',
    flags: (c) => ['--tests-dir', join(c.root, 'nope')],
    validateFlags: null,
    exit: 2,
    at: (c) => ({ file: join(c.root, 'nope') }),
    says: /--tests-dir .* is not a directory/,
  },

  // The results directory
  {
    name: 'results directory is a file',
    setup: (c) => write(c.results, 'not a directory\n'),
    validateFlags: null,
    exit: 1,
    at: (c) => ({ field: 'results_dir', file: c.results }),
    says: /is a file, not a directory/,
  },
  {
    name: 'results directory below a file',
    setup: (c) => write(join(c.root, 'file'), 'x'),
    flags: (c) => ['--results-dir', join(c.root, 'file', 'results')],
    validateFlags: null,
    exit: 1,
    at: (c) => ({ field: 'results_dir', file: join(c.root, 'file', 'results') }),
    says: /is below a file, not a directory/,
  },
];
