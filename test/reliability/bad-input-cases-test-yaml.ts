// Bad-input corpus, part 1: test.yaml — the file itself, its keys and values, the files, directories
// and repository it names. Each case breaks a fresh valid test case; bad-input.test.ts runs them.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aliasBomb, editYaml, lineIn, write, type BadCase, type CaseCtx } from './bad-input-kit.js';

const isRoot = process.getuid?.() === 0;
const prompt = (c: CaseCtx) => join(c.tiersDir, 'prompt.md');
const MiB = 1024 * 1024;

/** test.yaml with `edit` applied; the case points at the line holding `needle`. */
const testYaml = (
  name: string,
  edit: (y: Record<string, any>, c: CaseCtx) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
  place: { needle: string; field: string; value?: unknown },
  says?: RegExp,
): BadCase => ({
  name: `test.yaml: ${name}`,
  setup: (c) => editYaml(c.testYaml, (y) => edit(y, c)),
  exit: 1,
  at: (c) => ({
    file: c.testYaml,
    line: lineIn(c.testYaml, place.needle),
    field: place.field,
    value: place.value,
  }),
  says,
});

export const TEST_YAML: BadCase[] = [
  // test.yaml: the file itself
  {
    name: 'test.yaml missing',
    setup: (c) => rmSync(c.testYaml),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /not found/,
  },
  {
    name: 'test.yaml is a directory',
    setup: (c) => (rmSync(c.testYaml), mkdirSync(c.testYaml)),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /is a directory/,
  },
  {
    name: 'test.yaml: YAML syntax error',
    setup: (c) => write(c.testYaml, 'id: test-001\nsource: {repo: x\nlanguage: python\n'),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /invalid YAML/,
  },
  {
    name: 'test.yaml: tab indentation',
    setup: (c) => write(c.testYaml, 'id: test-001\nsource:\n\trepo: x\n'),
    exit: 1,
    at: (c) => ({ file: c.testYaml, line: 3 }),
    says: /invalid YAML/,
  },
  {
    name: 'test.yaml: duplicate key',
    setup: (c) => write(c.testYaml, `id: test-001\nid: test-002\nsource: {repo: ${c.repo.path}}\n`),
    exit: 1,
    at: (c) => ({ file: c.testYaml, line: 2 }),
    says: /unique/i,
  },
  {
    name: 'test.yaml: YAML alias bomb',
    setup: (c) => write(c.testYaml, `id: test-001\n${aliasBomb('tags')}`),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /alias/,
  },
  {
    name: 'test.yaml: deeply nested',
    setup: (c) => write(c.testYaml, `id: test-001\ntags: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
  },
  {
    name: 'test.yaml: invalid UTF-8',
    setup: (c) =>
      write(
        c.testYaml,
        Buffer.concat([Buffer.from(`id: test-001\nname: caf`), Buffer.from([0xe9]), Buffer.from('\n')]),
      ),
    exit: 1,
    at: (c) => ({ file: c.testYaml, line: 2 }),
    says: /UTF-8/,
  },
  {
    name: 'test.yaml: NUL byte',
    setup: (c) => write(c.testYaml, `id: test-001\nname: a\0b\n`),
    exit: 1,
    at: (c) => ({ file: c.testYaml, line: 2 }),
    says: /NUL/,
  },
  {
    name: 'test.yaml: over the size limit',
    setup: (c) => write(c.testYaml, `id: test-001\ndescription: "${'x'.repeat(MiB + 10)}"\n`),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /limit is 1 MiB/,
  },
  {
    name: 'test.yaml: a list, not a mapping',
    setup: (c) => write(c.testYaml, '- id: test-001\n'),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /is not an object/,
  },
  {
    name: 'test.yaml: empty',
    setup: (c) => write(c.testYaml, ''),
    exit: 1,
    at: (c) => ({ file: c.testYaml, field: 'id' }),
    says: /is required/,
  },
  {
    name: 'test.yaml: unreadable',
    skip: isRoot,
    setup: (c) => writeFileSync(c.testYaml, 'id: x\n', { mode: 0o000 }),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /cannot be read/,
  },
  // test.yaml: keys and values
  testYaml('id missing', (y) => delete y.id, { needle: 'name:', field: 'id' }, /is required/),
  testYaml('id of the wrong type', (y) => (y.id = [1]), { needle: 'id:', field: 'id', value: [1] }),
  testYaml(
    'invalid id',
    (y) => (y.id = 'my test!'),
    { needle: 'id:', field: 'id', value: 'my test!' },
    /letters, digits/,
  ),
  testYaml('id with a path', (y) => (y.id = '../../x'), { needle: 'id:', field: 'id', value: '../../x' }),
  testYaml(
    'unknown language',
    (y) => (y.language = 'cobol'),
    { needle: 'language:', field: 'language', value: 'cobol' },
    /is not one of/,
  ),
  testYaml('runs_per_tier 0', (y) => (y.runs_per_tier = 0), {
    needle: 'runs_per_tier:',
    field: 'runs_per_tier',
    value: 0,
  }),
  testYaml(
    'runs_per_tier not a number',
    (y) => (y.runs_per_tier = 'five'),
    { needle: 'runs_per_tier:', field: 'runs_per_tier', value: 'five' },
    /is not a number/,
  ),
  testYaml('unknown tier', (y) => (y.tiers = ['T0', 'T9']), {
    needle: '- T9',
    field: 'tiers.1',
    value: 'T9',
  }),
  testYaml('negative timeout', (y) => (y.task.timeout_seconds = -5), {
    needle: 'timeout_seconds:',
    field: 'task.timeout_seconds',
    value: -5,
  }),
  testYaml('max_turns not an integer', (y) => (y.task.max_turns = 1.5), {
    needle: 'max_turns:',
    field: 'task.max_turns',
    value: 1.5,
  }),
  testYaml(
    'unknown key in source',
    (y) => (y.source.branches = 'main'),
    { needle: 'branches:', field: 'source.branches' },
    /unknown key/,
  ),
  testYaml('unknown key in task', (y) => (y.task.prompt = 'x'), {
    needle: 'prompt: x',
    field: 'task.prompt',
  }),
  testYaml(
    'malformed commit',
    (y) => (y.source.hash = 'xyz'),
    { needle: 'hash:', field: 'source.hash', value: 'xyz' },
    /hex digits/,
  ),
  testYaml(
    'commit not in the repository',
    (y) => (y.source.hash = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'),
    { needle: 'hash:', field: 'source.hash', value: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' },
    /not a commit of/,
  ),
  testYaml(
    'repository path does not exist',
    (y, c) => (y.source.repo = join(c.root, 'nope')),
    { needle: 'repo:', field: 'source.repo' },
    /does not exist/,
  ),
  testYaml(
    'repository is not a git repository',
    (y, c) => (mkdirSync(join(c.root, 'plain')), (y.source.repo = join(c.root, 'plain'))),
    { needle: 'repo:', field: 'source.repo' },
    /not a git repository/,
  ),
  testYaml(
    'repository is a file',
    (y, c) => (write(join(c.root, 'file'), 'x'), (y.source.repo = join(c.root, 'file'))),
    { needle: 'repo:', field: 'source.repo' },
    /not a git repository/,
  ),
  {
    name: 'test.yaml: no repository at all',
    setup: (c) => editYaml(c.testYaml, (y) => delete y.source),
    exit: 1,
    validateFlags: null, // a test case may leave the repository to --repo or --config
    at: (c) => ({ file: c.testYaml, field: 'source.repo' }),
    says: /no task repository/,
  },
  testYaml(
    'prompt_file does not exist',
    (y) => (y.task.prompt_file = 'nope.md'),
    { needle: 'prompt_file:', field: 'task.prompt_file', value: 'nope.md' },
    /not found/,
  ),
  testYaml(
    'prompt_file outside the test case',
    (y) => (y.task.prompt_file = '../../../../../../etc/hostname'),
    { needle: 'prompt_file:', field: 'task.prompt_file', value: '../../../../../../etc/hostname' },
    /outside the test case/,
  ),
  testYaml(
    'prompt_file absolute',
    (y) => (y.task.prompt_file = '/etc/hostname'),
    { needle: 'prompt_file:', field: 'task.prompt_file', value: '/etc/hostname' },
    /outside the test case/,
  ),
  testYaml(
    'prompt_file is a directory',
    (y) => (y.task.prompt_file = 'expected'),
    { needle: 'prompt_file:', field: 'task.prompt_file', value: 'expected' },
    /is a directory/,
  ),
  testYaml(
    'criteria_file outside the test case',
    (y) => (y.validation = { criteria_file: '/etc/hostname' }),
    { needle: 'criteria_file:', field: 'validation.criteria_file', value: '/etc/hostname' },
    /outside the test case/,
  ),
  testYaml(
    'rubric_file does not exist',
    (y) => (y.validation = { rubric_file: 'expected/nope.yaml' }),
    { needle: 'rubric_file:', field: 'validation.rubric_file', value: 'expected/nope.yaml' },
    /not found/,
  ),
  testYaml(
    'rubric_file through a symlink out of the test case',
    (y, c) => (
      symlinkSync('/etc/hostname', join(c.tiersDir, 'link.yaml')),
      (y.validation = { rubric_file: 'link.yaml' })
    ),
    { needle: 'rubric_file:', field: 'validation.rubric_file', value: 'link.yaml' },
    /outside the test case/,
  ),
  testYaml(
    'resources_dir does not exist',
    (y) => (y.resources_dir = 'nope'),
    { needle: 'resources_dir:', field: 'resources_dir', value: 'nope' },
    /not found/,
  ),
  testYaml(
    'resources_dir is a file',
    (y) => (y.resources_dir = 'prompt.md'),
    { needle: 'resources_dir:', field: 'resources_dir', value: 'prompt.md' },
    /not a directory/,
  ),
  testYaml(
    'subtests_dir does not exist',
    (y) => (y.subtests_dir = 'nope'),
    { needle: 'subtests_dir:', field: 'subtests_dir', value: 'nope' },
    /not found/,
  ),
  testYaml(
    'pipeline step without a command',
    (y) => (y.pipeline = [{ name: 'test' }]),
    { needle: '- name: test', field: 'pipeline.0.run' },
    /is required/,
  ),

  {
    name: 'test.yaml: a symlink loop',
    setup: (c) => (rmSync(c.testYaml), symlinkSync('test.yaml', c.testYaml)),
    exit: 1,
    at: (c) => ({ file: c.testYaml }),
    says: /symlink loop/,
  },
  testYaml(
    'empty prompt_file',
    (y) => (y.task.prompt_file = ''),
    { needle: 'prompt_file:', field: 'task.prompt_file', value: '' },
    /too small/,
  ),
  testYaml(
    'reference_patch outside the test case',
    (y) => (y.validation = { reference_patch: '../../../../../../etc/hostname' }),
    {
      needle: 'reference_patch:',
      field: 'validation.reference_patch',
      value: '../../../../../../etc/hostname',
    },
    /outside the test case/,
  ),
  {
    name: 'reference patch: binary',
    setup: (c) => (
      write(join(c.tiersDir, 'expected', 'ref.patch'), Buffer.from([0x1f, 0x8b, 0x08, 0x00])),
      editYaml(c.testYaml, (y) => (y.validation = { reference_patch: 'expected/ref.patch' }))
    ),
    exit: 1,
    at: (c) => ({ file: join(c.tiersDir, 'expected', 'ref.patch'), line: 1 }),
    says: /not text/,
  },

  // Accepted on purpose
  {
    name: 'test.yaml and prompt with a UTF-8 BOM (accepted: the BOM is dropped)',
    setup: (c) => (
      write(c.testYaml, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(c.testYaml)])),
      write(prompt(c), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Task\n\nSay hi.\n')]))
    ),
    exit: 0,
  },
  {
    name: 'test.yaml with CRLF line ends (accepted)',
    setup: (c) => write(c.testYaml, readFileSync(c.testYaml, 'utf8').replace(/\n/g, '\r\n')),
    exit: 0,
  },
  {
    name: 'test.yaml: unknown top-level key (accepted with a warning)',
    setup: (c) => editYaml(c.testYaml, (y) => (y.owner = 'me')),
    exit: 0,
    at: (c) => ({ file: c.testYaml, line: lineIn(c.testYaml, 'owner:'), field: 'owner' }),
    says: /unknown key 'owner': ignored/,
  },
];
