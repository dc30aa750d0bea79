// Bad-input corpus, part 3: subtests in both layouts (a test case's own `tN/NN-name/config.yaml`, the
// shared `subtests/tN/NN-name.yaml` and `tiers.yaml`), the test case's own config.yaml, and the
// resource library (blocks, skills, agents, presets, MCP servers).
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { aliasBomb, lineIn, write, type BadCase, type CaseCtx, type Layout } from './bad-input-kit.js';

const LAYOUTS: Layout[] = ['resources_dir', 'shared'];
const B2 = (c: CaseCtx) => c.subtestFile('T0', '02-two-blocks');

/** T0/02's config replaced by `config` (YAML text or data), in each layout; the case points at `needle`. */
function subtest(
  name: string,
  config: string | object,
  at: { needle?: string; field?: string; value?: unknown },
  says: RegExp,
): BadCase[] {
  return LAYOUTS.map((layout) => ({
    name: `${layout === 'shared' ? 'subtests/t0/02-two-blocks.yaml' : 't0/02-two-blocks/config.yaml'}: ${name}`,
    layout,
    setup: (c) => write(B2(c), typeof config === 'string' ? config : stringify(config)),
    exit: 1,
    at: (c) => ({
      file: B2(c),
      ...(at.needle ? { line: lineIn(B2(c), at.needle) } : {}),
      ...(at.field ? { field: at.field } : {}),
      ...(at.value !== undefined ? { value: at.value } : {}),
    }),
    says,
  }));
}

const blocks = (list: string[]) => ({ resources: { claude_md: { blocks: list } } });
const testConfig = (c: CaseCtx) => join(c.tiersDir, 'config.yaml');
const tiersYaml = (c: CaseCtx) => join(c.resourcesDir, 'tiers.yaml');

export const SUBTEST_FILES: BadCase[] = [
  ...subtest('YAML syntax error', 'resources: {claude_md: {blocks: [B01}\n', {}, /invalid YAML/),
  ...subtest('YAML alias bomb', aliasBomb('description'), {}, /alias/),
  ...subtest(
    'unknown key',
    { ...blocks(['B01']), extend_previous: true },
    { needle: 'extend_previous', field: 'extend_previous' },
    /unknown key/,
  ),
  ...subtest(
    'wrong type',
    { extends_previous: 'yes' },
    { needle: 'extends_previous', field: 'extends_previous', value: 'yes' },
    /is not a boolean/,
  ),
  ...subtest(
    'unknown block',
    blocks(['B01', 'B99']),
    { needle: 'B99', field: 'resources.claude_md.blocks.1', value: 'B99' },
    /is not a block of/,
  ),
  ...subtest(
    'block name with a path',
    blocks(['../../../../etc/passwd']),
    { needle: 'etc/passwd', field: 'resources.claude_md.blocks.0', value: '../../../../etc/passwd' },
    /must be a plain name/,
  ),
  ...subtest(
    'unknown skill',
    { resources: { skills: { names: ['no-such-skill'] } } },
    { needle: 'no-such-skill', field: 'resources.skills.names.0', value: 'no-such-skill' },
    /is not a skill of/,
  ),
  ...subtest(
    'unknown skill category',
    { resources: { skills: { categories: ['nope'] } } },
    { needle: 'nope', field: 'resources.skills.categories.0', value: 'nope' },
    /is not a skill category/,
  ),
  ...subtest(
    'unknown agent',
    { resources: { agents: { names: ['nobody'] } } },
    { needle: 'nobody', field: 'resources.agents.names.0', value: 'nobody' },
    /is not an agent of/,
  ),
  ...subtest(
    'unknown agent level',
    { resources: { agents: { levels: [4] } } },
    { needle: '- 4', field: 'resources.agents.levels.0', value: 4 },
    /no L4/,
  ),
  ...subtest(
    'unknown main agent',
    { agent: 'nobody' },
    { needle: 'agent:', field: 'agent', value: 'nobody' },
    /is not an agent of/,
  ),
  ...subtest(
    'unknown MCP server',
    { mcp_servers: ['no-such-server'] },
    { needle: 'no-such-server', field: 'mcp_servers.0', value: 'no-such-server' },
    /unknown MCP server/,
  ),
  ...subtest(
    'unknown preset',
    { resources: { claude_md: { preset: 'nope' } } },
    { needle: 'preset:', field: 'resources.claude_md.preset', value: 'nope' },
    /is not a preset/,
  ),
  ...subtest(
    'unknown tier in inherit_best_from',
    { inherit_best_from: ['T9'] },
    { needle: 'T9', field: 'inherit_best_from.0', value: 'T9' },
    /is not one of/,
  ),
  ...LAYOUTS.map((layout): BadCase => ({
    name: `${layout}: subtest file with invalid UTF-8`,
    layout,
    setup: (c) => write(B2(c), Buffer.from([...Buffer.from('name: two\ndescription: "'), 0xff, 0x22, 0x0a])),
    exit: 1,
    at: (c) => ({ file: B2(c), line: 2 }),
    says: /UTF-8/,
  })),
  {
    name: 'T1 subtest inherits from a tier that runs after it',
    build: {
      tiers: {
        T0: { '00-empty': {}, '01-vanilla': {} },
        T1: { '01-quality': { inherit_best_from: ['T2'] } },
        T2: { '01-x': {} },
      },
    },
    flags: () => ['--tiers', 'T0', 'T1', 'T2'],
    validateFlags: () => ['--tiers', 'T0', 'T1', 'T2'],
    exit: 1,
    at: (c) => ({
      file: c.subtestFile('T1', '01-quality'),
      line: 2,
      field: 'inherit_best_from.0',
      value: 'T2',
    }),
    says: /does not run before T1/,
  },
  {
    name: 't0/02-two-blocks/config.yaml: a directory',
    setup: (c) => (rmSync(B2(c)), mkdirSync(B2(c))),
    exit: 1,
    at: (c) => ({ file: B2(c) }),
    says: /is a directory/,
  },
  {
    name: 'subtests/t0/03-x.yaml: a directory',
    layout: 'shared',
    setup: (c) => mkdirSync(c.subtestFile('T0', '03-x')),
    exit: 1,
    at: (c) => ({ file: c.subtestFile('T0', '03-x') }),
    says: /is a directory/,
  },
  ...LAYOUTS.map((layout): BadCase => ({
    name: `${layout}: duplicate subtest ids`,
    layout,
    setup: (c) => write(c.subtestFile('T0', '02-again'), stringify(blocks(['B03']))),
    exit: 1,
    at: (c) => ({ file: B2(c), line: 1 }),
    says: /duplicate subtest id 02 in tier T0/,
  })),
  {
    name: 't0/03-x -> .. (a symlink out of its tier)',
    setup: (c) => symlinkSync('..', join(c.tierDir('T0'), '03-x')),
    exit: 1,
    at: (c) => ({ file: join(c.tierDir('T0'), '03-x') }),
    says: /symlink to .* outside its tier directory/,
  },
  {
    name: 't0/03-loop: a symlink loop',
    setup: (c) => symlinkSync('03-loop', join(c.tierDir('T0'), '03-loop')),
    exit: 1,
    at: (c) => ({ file: join(c.tierDir('T0'), '03-loop') }),
    says: /symlink loop/,
  },
  {
    name: 't0/03-gone: a dangling symlink',
    setup: (c) => symlinkSync(join(c.root, 'gone'), join(c.tierDir('T0'), '03-gone')),
    exit: 1,
    at: (c) => ({ file: join(c.tierDir('T0'), '03-gone') }),
    says: /dangling symlink/,
  },
  {
    name: 'subtests/t0/03-x.yaml -> /etc/hostname (a symlink out of its tier)',
    layout: 'shared',
    setup: (c) => symlinkSync('/etc/hostname', c.subtestFile('T0', '03-x')),
    exit: 1,
    at: (c) => ({ file: c.subtestFile('T0', '03-x') }),
    says: /outside its tier directory/,
  },
  {
    name: 'a requested tier with no subtests',
    flags: () => ['--tiers', 'T0', 'T3'],
    validateFlags: () => ['--tiers', 'T0', 'T3'],
    exit: 1,
    at: (c) => ({ file: c.tiersDir }),
    says: /tier T3 has no subtests/,
  },

  // tiers.yaml (later layout)
  {
    name: 'tiers.yaml: YAML syntax error',
    layout: 'shared',
    setup: (c) => write(tiersYaml(c), 'tiers:\n  T0: {name: [x}\n'),
    exit: 1,
    at: (c) => ({ file: tiersYaml(c) }),
    says: /invalid YAML/,
  },
  {
    name: 'tiers.yaml: wrong type',
    layout: 'shared',
    setup: (c) => write(tiersYaml(c), 'tiers:\n  T0:\n    name: [a, b]\n'),
    exit: 1,
    at: (c) => ({ file: tiersYaml(c), line: 3, field: 'tiers.T0.name', value: ['a', 'b'] }),
    says: /is not a string/,
  },
  {
    name: 'tiers.yaml: YAML alias bomb',
    layout: 'shared',
    setup: (c) => write(tiersYaml(c), aliasBomb('tiers')),
    exit: 1,
    at: (c) => ({ file: tiersYaml(c) }),
    says: /alias/,
  },

  // The test case's own config.yaml
  {
    name: 'config.yaml (test level): YAML syntax error',
    build: { testConfig: 'timeout_seconds: [1\n' },
    exit: 1,
    at: (c) => ({ file: testConfig(c) }),
    says: /invalid YAML/,
  },
  {
    name: 'config.yaml (test level): wrong type',
    build: { testConfig: 'timeout_seconds: long\n' },
    exit: 1,
    at: (c) => ({ file: testConfig(c), line: 1, field: 'timeout_seconds', value: 'long' }),
    says: /is not a number/,
  },
  {
    name: 'config.yaml (test level): out of range',
    build: { testConfig: 'thinking: high\nruns_per_subtest: 0\n' },
    exit: 1,
    at: (c) => ({ file: testConfig(c), line: 2, field: 'runs_per_subtest', value: 0 }),
    says: /too small/,
  },
  {
    name: 'config.yaml (test level): unknown thinking level',
    build: { testConfig: 'thinking: extreme\n' },
    exit: 1,
    at: (c) => ({ file: testConfig(c), line: 1, field: 'thinking', value: 'extreme' }),
    says: /is not one of/,
  },
  {
    name: 'config.yaml (test level): a directory',
    setup: (c) => mkdirSync(testConfig(c)),
    exit: 1,
    at: (c) => ({ file: testConfig(c) }),
    says: /is a directory/,
  },

  // The resource library
  {
    name: 'mcp/<name>.json: invalid JSON',
    setup: (c) => write(join(c.resourcesDir, 'mcp', 'srv.json'), '{"command": "x",'),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'mcp', 'srv.json') }),
    says: /invalid JSON/,
  },
  {
    name: 'mcp/<name>.json: no command',
    setup: (c) => write(join(c.resourcesDir, 'mcp', 'srv.json'), '{"args": ["x"]}'),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'mcp', 'srv.json'), field: 'command' }),
    says: /is required/,
  },
  {
    name: 'mcp/<name>.json: a directory',
    setup: (c) => mkdirSync(join(c.resourcesDir, 'mcp', 'srv.json'), { recursive: true }),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'mcp', 'srv.json') }),
    says: /is a directory/,
  },
  {
    name: 'blocks: one id twice',
    setup: (c) => write(join(c.resourcesDir, 'blocks', 'B01-again.md'), '# again\n'),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'blocks', 'B01-project-overview.md') }),
    says: /block id B01 is defined twice/,
  },
  {
    name: 'blocks: a binary block',
    setup: (c) => write(join(c.resourcesDir, 'blocks', 'B02-critical-rules.md'), Buffer.from([0, 1, 2, 3])),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'blocks', 'B02-critical-rules.md'), line: 1 }),
    says: /NUL/,
  },
  {
    name: 'agents: invalid front matter',
    setup: (c) =>
      write(join(c.resourcesDir, 'agents', 'L2', 'designer.md'), '---\nname: [designer\n---\n\nbody\n'),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'agents', 'L2', 'designer.md') }),
    says: /front matter/,
  },
  {
    name: 'presets.yaml: wrong type',
    setup: (c) => write(join(c.resourcesDir, 'presets.yaml'), 'minimal: B01\n'),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'presets.yaml'), line: 1, field: 'minimal', value: 'B01' }),
    says: /is not an array/,
  },
  {
    name: 'skills: a symlink loop in a category',
    setup: (c) => symlinkSync('loop', join(c.resourcesDir, 'skills', 'quality', 'loop')),
    exit: 1,
    at: (c) => ({ file: join(c.resourcesDir, 'skills', 'quality', 'loop') }),
    says: /symlink loop/,
  },

  // Accepted on purpose, with a warning naming them
  ...LAYOUTS.map((layout): BadCase => ({
    name: `${layout}: a subtest without an NN- prefix (ignored with a warning)`,
    layout,
    setup: (c) =>
      layout === 'shared'
        ? write(join(c.tierDir('T0'), 'extra.yaml'), stringify(blocks(['B01'])))
        : write(join(c.tierDir('T0'), 'extra', 'config.yaml'), stringify(blocks(['B01']))),
    exit: 0,
    at: (c) => ({ file: join(c.tierDir('T0'), layout === 'shared' ? 'extra.yaml' : 'extra') }),
    says: /no NN- prefix.*ignored/,
  })),
  ...LAYOUTS.map((layout): BadCase => ({
    name: `${layout}: an unknown tool name (accepted with a warning)`,
    layout,
    setup: (c) => write(B2(c), stringify({ tools: { enabled: ['Read', 'Telepathy'] } })),
    exit: 0,
    at: (c) => ({ file: B2(c), line: 1, field: 'tools' }),
    says: /'Telepathy' is not a built-in tool of Claude Code/,
  })),
];
