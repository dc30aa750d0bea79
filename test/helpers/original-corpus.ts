// Generates a corpus shaped like the original system's published test cases, in both of its layouts,
// with every key variant and quirk its real files have (written by us, not copied):
//
//   <root>/tests/claude-code/shared/    blocks/B01..B18, skills/<9 categories> (other/ with nested tier
//                                       dirs), agents/L0..L5, tiers.yaml, subtests/t0..t6/NN-name.yaml
//   <root>/tests/fixtures/tests/test-001/   earlier layout: its own t0..t6/NN-name/config.yaml, plus the
//                                       earlier quirks (list-form skills + skills_source, agent +
//                                       agent_source, a literal CLAUDE.md beside blocks, a legacy .claude/)
//   <root>/tests/fixtures/tests/test-017/   later layout: test.yaml, prompt, expected/, config.yaml only
//
// `EXPECTED_PROBLEMS` lists exactly what `scylla validate` must report for each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_CRITERIA, DEFAULT_RUBRIC } from './fixture-builder.js';
import { tmpDir } from './tmp.js';

const BLOCKS = Array.from({ length: 18 }, (_, i) => `B${String(i + 1).padStart(2, '0')}`);
const CATEGORIES = [
  'agent',
  'cicd',
  'documentation',
  'github',
  'mojo',
  'other',
  'quality',
  'workflow',
  'worktree',
];
const AGENTS: Record<number, string[]> = {
  0: ['chief-architect'],
  1: ['agentic-workflows-orchestrator', 'cicd-orchestrator', 'foundation-orchestrator'],
  2: ['architecture-design', 'integration-design'],
  3: ['code-review-specialist', 'mojo-language-review-specialist', 'test-specialist'],
  4: ['implementation-engineer', 'test-engineer'],
  5: ['junior-implementation-engineer', 'junior-test-engineer'],
};
const MCP = [
  'filesystem',
  'git',
  'memory',
  'fetch',
  'sequential-thinking',
  'time',
  'github',
  'postgres',
  'playwright',
];
type Config = Record<string, unknown>;
type Matrix = Record<string, [string, Config][]>;

const pad = (n: number) => String(n).padStart(2, '0');
const levels = (...l: number[]) => ({ resources: { agents: { levels: l } } });

/** The subtest matrix of the later layout (one shared copy); tiers T0..T6. */
export function sharedMatrix(): Matrix {
  const t0: [string, Config][] = [
    [
      '00-empty',
      {
        name: 'Empty',
        extends_previous: false,
        system_prompt_mode: 'none',
        resources: { claude_md: { blocks: [] } },
      },
    ],
    [
      '01-vanilla',
      {
        name: 'Vanilla',
        extends_previous: false,
        system_prompt_mode: 'default',
        resources: { claude_md: { blocks: [] } },
      },
    ],
    [
      '02-critical-only',
      {
        description: 'Critical rules B02 and B07',
        extends_previous: false,
        resources: { claude_md: { blocks: ['B02', 'B07'] } },
      },
    ],
    [
      '03-full',
      {
        description: 'Every one of the 18 blocks',
        extends_previous: false,
        resources: { claude_md: { blocks: BLOCKS } },
      },
    ],
    // Quirk: the description names other blocks than the list.
    [
      '04-minimal',
      {
        description: 'Minimal: B02 + B07 + B18',
        extends_previous: false,
        resources: { claude_md: { blocks: ['B01', 'B02'] } },
      },
    ],
    [
      '05-core-seven',
      {
        extends_previous: false,
        resources: { claude_md: { blocks: ['B01', 'B02', 'B05', 'B07', 'B09', 'B12', 'B18'] } },
      },
    ],
    ...BLOCKS.map((b, i): [string, Config] => [
      `${pad(i + 6)}-${b}`,
      { description: `Only block ${b}`, resources: { claude_md: { blocks: [b] } } },
    ]),
  ];
  const t1: [string, Config][] = [
    ...CATEGORIES.map((c, i): [string, Config] => [
      `${pad(i + 1)}-${c}`,
      { extends_previous: true, resources: { skills: { categories: [c] } } },
    ]),
    ['10-advise-plugin', { description: 'A plugin, no resources', extends_previous: true }],
  ];
  const t2: [string, Config][] = [
    ['01-file-ops', { tools: { enabled: ['Read', 'Write', 'Edit'] } }],
    ['02-file-shell', { tools: { enabled: ['Read', 'Write', 'Edit', 'Bash'] } }],
    [
      '03-file-shell-search',
      { tools: { enabled: ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash', 'WebSearch', 'WebFetch'] } },
    ],
    ['04-all-tools', { tools: { enabled: 'all' } }],
    // Object entries with a package scope, bare objects, and one bare name.
    ['05-filesystem-mcp', { mcp_servers: [{ name: 'filesystem', source: 'modelcontextprotocol/servers' }] }],
    ...MCP.slice(1, 8).map((m, i): [string, Config] => [
      `${pad(i + 6)}-${m}-mcp`,
      { mcp_servers: i % 2 ? [m] : [{ name: m }] },
    ]),
    ['13-playwright-mcp', { mcp_servers: [{ name: 'playwright', source: 'third-party' }] }],
    ['14-all-mcp', { mcp_servers: MCP.map((name) => ({ name })) }],
    // Quirk: a local server with a config path and no command (a real problem).
    [
      '15-custom-mcp',
      { mcp_servers: [{ name: 'custom', source: 'local', config_path: '.claude/mcp/custom.json' }] },
    ],
  ];
  // Quirk: every T3 "single agent" subtest links its whole level, so they collapse to 4 configurations.
  const levelOf = (i: number) => (i < 4 ? 2 : i < 28 ? 3 : i < 37 ? 4 : 5);
  const t3: [string, Config][] = [
    ...Array.from({ length: 37 }, (_, i): [string, Config] => [
      `${pad(i + 1)}-specialist-${i + 1}`,
      { extends_previous: true, ...levels(levelOf(i)) },
    ]),
    ...[2, 3, 4, 5].map((l, i): [string, Config] => [`${pad(38 + i)}-all-L${l}`, levels(l)]),
  ];
  const t4: [string, Config][] = [
    ['01-chief-architect', levels(0)],
    ...Array.from({ length: 6 }, (_, i): [string, Config] => [
      `${pad(i + 2)}-orchestrator-${i + 1}`,
      levels(1),
    ]),
    ['08-chief-architect-teams', { extends_previous: true, agent_teams: true, ...levels(0) }],
    ...Array.from({ length: 6 }, (_, i): [string, Config] => [
      `${pad(i + 9)}-orchestrator-${i + 1}-teams`,
      { agent_teams: true, ...levels(1) },
    ]),
  ];
  const inherit = (from: string[], extra: Config = {}): Config => ({
    extends_previous: true,
    inherit_best_from: from,
    ...extra,
  });
  const t5: [string, Config][] = [
    ['01-best-prompts', inherit(['T0'])],
    ['02-best-skills', inherit(['T1'])],
    ['03-best-tools', inherit(['T2'])],
    ['04-best-agents', inherit(['T3'])],
    ['05-best-orchestrators', inherit(['T4'])],
    [
      '06-all-prompts',
      { description: 'Each of the 18 blocks', resources: { claude_md: { blocks: BLOCKS } } },
    ],
    ['07-all-skills', { resources: { skills: { categories: CATEGORIES } } }],
    ['08-all-agents', levels(0, 1, 2, 3, 4, 5)],
    ['09-all-tools', { tools: { enabled: 'all' } }],
    ['10-all-mcp', { mcp_servers: MCP.map((name) => ({ name })) }],
    ['11-prompts-skills', inherit(['T0', 'T1'])],
    ['12-skills-agents', inherit(['T1', 'T3'])],
    ['13-tools-agents', inherit(['T2', 'T3'], { tools: { enabled: 'all' } })],
    ['14-prompts-tools-skills', inherit(['T0', 'T1', 'T2'], { tools: { enabled: 'all' } })],
    ['15-best-of-all', inherit(['T0', 'T1', 'T2', 'T3', 'T4'])],
  ];
  // Quirk: "all prompts" in the description, no blocks listed. Root-level tools/MCP, nested skills/agents.
  const t6: [string, Config][] = [
    [
      '01-everything',
      {
        description: 'Everything: all prompts, skills, agents, tools and MCP servers',
        extends_previous: false,
        tools: { enabled: 'all' },
        mcp_servers: MCP.map((name) => ({ name })),
        resources: { skills: { categories: CATEGORIES }, agents: { levels: [0, 1, 2, 3, 4, 5] } },
      },
    ],
  ];
  return { T0: t0, T1: t1, T2: t2, T3: t3, T4: t4, T5: t5, T6: t6 };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function writeLibrary(lib: string): void {
  for (const b of BLOCKS)
    write(join(lib, 'blocks', `${b}-block-${b.toLowerCase()}.md`), `# Block ${b}\n\nRules of ${b}.\n`);
  for (const c of CATEGORIES) {
    const names = c === 'mojo' ? ['mojo-format', 'mojo-test-runner'] : [`${c}-one`, `${c}-two`];
    // The `other` category nests skills one level deeper (tier-1/, tier-2/), as the original's does.
    names.forEach((n, i) => {
      const dir = c === 'other' ? join(lib, 'skills', c, `tier-${i + 1}`, n) : join(lib, 'skills', c, n);
      write(join(dir, 'SKILL.md'), `---\nname: ${n}\ndescription: Skill ${n}.\n---\n\n# ${n}\n`);
    });
  }
  for (const [level, names] of Object.entries(AGENTS))
    for (const n of names)
      write(
        join(lib, 'agents', `L${level}`, `${n}.md`),
        `---\nname: ${n}\ndescription: Agent ${n}.\nlevel: ${level}\nphase: Implementation\ntools: Read,Grep\nmodel: sonnet\ndelegates_to: []\nreceives_from: []\n---\n\nYou are ${n}.\n`,
      );
  const tier = (name: string, tools: boolean | null, delegation: boolean) =>
    `    name: "${name}"\n    description: "${name} ablation"\n    tools_enabled: ${tools === null ? 'null  # varies' : tools}\n    delegation_enabled: ${delegation}\n`;
  write(
    join(lib, 'tiers.yaml'),
    '# Tier definitions\ntiers:\n' +
      [
        ['Prompts', null, false],
        ['Skills', null, false],
        ['Tooling', true, false],
        ['Delegation', true, true],
        ['Hierarchy', true, true],
        ['Hybrid', true, true],
        ['Super', true, true],
      ]
        .map(([n, t, d], i) => `  T${i}:\n${tier(n as string, t as boolean | null, d as boolean)}`)
        .join('\n'),
  );
}

function writeCase(dir: string, id: string, language: string): void {
  const testYaml = `# ${id}\nid: "${id}"\nname: "Case ${id}"\ndescription: |\n  A generated test case.\n\nlanguage: ${language}\nsource:\n  repo: "https://example.invalid/repo"\n  hash: "abc123def456"\n\ntask:\n  prompt_file: "prompt.md"\n  timeout_seconds: 1800\n\nvalidation:\n  criteria_file: "expected/criteria.md"\n  rubric_file: "expected/rubric.yaml"\n\ntiers:\n  - T0  # prompts\n  - T1\n  - T2\n  - T3\n  - T4\n  - T5\n  - T6\n`;
  write(join(dir, 'test.yaml'), testYaml);
  write(join(dir, 'prompt.md'), '# Task\n\nDo the thing.\n');
  write(join(dir, 'expected', 'criteria.md'), DEFAULT_CRITERIA);
  write(join(dir, 'expected', 'rubric.yaml'), DEFAULT_RUBRIC);
  write(join(dir, 'config.yaml'), '# Test-specific overrides\ntimeout_seconds: 7200\nmax_cost_usd: 5.0\n');
}

export interface OriginalCorpus {
  root: string;
  library: string;
  /** Earlier layout (own t0..t6 directories, with its quirks). */
  earlier: string;
  /** Later layout (no tier directories: the shared subtests). */
  later: string;
}

/** Write the corpus into a fresh temp dir. */
export function buildOriginalCorpus(): OriginalCorpus {
  const root = tmpDir('scylla-corpus-');
  const library = join(root, 'tests', 'claude-code', 'shared');
  const earlier = join(root, 'tests', 'fixtures', 'tests', 'test-001');
  const later = join(root, 'tests', 'fixtures', 'tests', 'test-017');
  writeLibrary(library);
  const matrix = sharedMatrix();
  for (const [tier, subtests] of Object.entries(matrix))
    for (const [name, config] of subtests)
      write(join(library, 'subtests', tier.toLowerCase(), `${name}.yaml`), stringify(config));
  writeCase(later, 'test-017', 'mojo');
  writeCase(earlier, 'test-001', 'python');
  // The earlier layout: its own copy of the matrix (before agent teams), plus the earlier quirks.
  const own: Matrix = { ...matrix, T4: matrix.T4.slice(0, 7) };
  own.T1 = [
    ...own.T1,
    [
      '11-mojo-skills',
      {
        extends_previous: true,
        skills: ['mojo-format', 'mojo-lint-syntax', 'mojo-test-runner', 'mojo-type-safety'],
        skills_source: 'https://example.invalid/skills',
      },
    ],
  ];
  own.T3 = [
    ...own.T3,
    [
      '42-mojo-syntax-validator',
      {
        extends_previous: true,
        agent: 'mojo-syntax-validator',
        agent_source: 'https://example.invalid/agents',
      },
    ],
    [
      '43-mojo-language-review',
      {
        extends_previous: true,
        agent: 'mojo-language-review-specialist',
        agent_source: 'https://example.invalid/agents',
      },
    ],
  ];
  // The seed's T6 had no resources at all; its T5/06 had a literal CLAUDE.md beside the block list.
  own.T6 = [
    [
      '01-everything',
      {
        description: 'Everything: all prompts, skills, agents, tools and MCP servers',
        extends_previous: false,
        tools: { enabled: 'all' },
        mcp_servers: MCP.map((name) => ({ name })),
      },
    ],
  ];
  for (const [tier, subtests] of Object.entries(own))
    for (const [name, config] of subtests)
      write(join(earlier, tier.toLowerCase(), name, 'config.yaml'), stringify(config));
  write(join(earlier, 't5', '06-all-prompts', 'CLAUDE.md'), '# All prompts\n');
  write(
    join(earlier, 't6', '01-everything', '.claude', 'agents', 'junior-test-engineer.md'),
    '---\nname: junior-test-engineer\n---\n',
  );
  return { root, library, earlier, later };
}

/** What validate reports for the corpus: severity and the formatted problem, relative to the corpus root. */
export function expectedProblems(c: OriginalCorpus): { earlier: string[]; later: string[] } {
  const sub = (t: string, n: string) => `tests/claude-code/shared/subtests/${t}/${n}.yaml`;
  const own = (t: string, n: string) => `tests/fixtures/tests/test-001/${t}/${n}/config.yaml`;
  const lib = c.library;
  const range = (t: string, from: number, to: number, suffix = '') =>
    Array.from({ length: to - from + 1 }, (_, i) => `${t}/${pad(from + i)}${suffix}`).join(' = ');
  const t3groups = `${range('T3', 1, 4)} = T3/38; ${range('T3', 5, 28)} = T3/39; ${range('T3', 29, 37)} = T3/40`;
  const common = (
    file: (t: string, n: string) => string,
    tierDir: (t: string) => string,
    t3: string,
    t3count: number,
    t4: string,
  ) => [
    `warning ${file('t0', '04-minimal')}:1: description: the description names B02, B07, B18 but the subtest lists B01, B02`,
    `error   ${file('t2', '15-custom-mcp')}:2: mcp_servers.0: "custom" is a local MCP server (source: local, config_path: .claude/mcp/custom.json) with no command: add mcp/custom.json to the resource library, or give it a command`,
    `warning ${tierDir('t3')}: T3: ${t3count} subtests, ${t3count === 41 ? 4 : 5} distinct configurations: ${t3} (each group measures one configuration)`,
    `warning ${tierDir('t4')}: ${t4}`,
  ];
  const later = [
    ...common(
      sub,
      (t) => `tests/claude-code/shared/subtests/${t}`,
      t3groups,
      41,
      `T4: 14 subtests, 4 distinct configurations: ${range('T4', 2, 7)}; ${range('T4', 9, 14)} (each group measures one configuration)`,
    ),
    `warning ${sub('t6', '01-everything')}:1: description: the description says all blocks, but the subtest lists 0 of 18`,
  ];
  const earlier = [
    `warning ${own('t1', '11-mojo-skills')}:7: skills_source: "https://example.invalid/skills" is remote and never fetched: the skills must be in ${lib}/skills`,
    `error   ${own('t1', '11-mojo-skills')}:4: skills.1: "mojo-lint-syntax" is not a skill of ${lib}/skills (its *_source is never fetched: put it in the local library)`,
    `error   ${own('t1', '11-mojo-skills')}:6: skills.3: "mojo-type-safety" is not a skill of ${lib}/skills (its *_source is never fetched: put it in the local library)`,
    ...common(
      own,
      (t) => `tests/fixtures/tests/test-001/${t}`,
      t3groups,
      42,
      `T4: 7 subtests, 2 distinct configurations: ${range('T4', 2, 7)} (each group measures one configuration)`,
    ),
    `error   ${own('t3', '42-mojo-syntax-validator')}:2: agent: "mojo-syntax-validator" is not an agent of ${lib}/agents (its *_source is never fetched: put it in the local library)`,
    `warning ${own('t3', '42-mojo-syntax-validator')}:3: agent_source: "https://example.invalid/agents" is remote and never fetched: the agent must be in ${lib}/agents`,
    `warning ${own('t3', '43-mojo-language-review')}:3: agent_source: "https://example.invalid/agents" is remote and never fetched: the agent must be in ${lib}/agents`,
    `warning tests/fixtures/tests/test-001/t5/06-all-prompts/CLAUDE.md: is not used: the config lists claude_md blocks, which are composed instead`,
    `warning tests/fixtures/tests/test-001/t6/01-everything/.claude: is not applied: a subtest gets skills and agents from the resource library (resources:)`,
    `warning ${own('t6', '01-everything')}:1: description: the description says all blocks, but the subtest lists 0 of 18`,
  ];
  return { earlier, later };
}
