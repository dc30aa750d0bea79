// Builds complete test cases on disk (test.yaml, prompt, criteria, rubric, tiers, resource library) for tests.
//
//   const repo = gitdir({ 'README.md': '# task\n' });
//   const { tiersDir, resourcesDir } = buildTestCase({ repo });              // T0 00/01/02 + T1 01
//   const tc = buildTestCase({ repo, tiers: { T0: { '00-empty': {}, '03-two': { resources: { claude_md: { blocks: ['B01', 'B02'] } } } } } });
//   const later = buildTestCase({ repo, layout: 'shared' });   // subtests in <lib>/subtests/t0/00-empty.yaml, no t0/ in the case
//
// Default library: blocks B01..B03, skill category `quality` with `lint-fix` and `test-first`,
// agents L2/`designer` and L3/`reviewer`. Default task: create hello.py printing "Hello, World!".
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { tmpDir } from './tmp.js';

export const DEFAULT_PROMPT = `# Task

Create a Python script \`hello.py\` in the repository root that prints exactly \`Hello, World!\`.
Use relative paths. Running \`python3 hello.py\` must exit with code 0.
`;

export const DEFAULT_CRITERIA = `# Criteria

- R001: \`hello.py\` exists in the repository root.
  Verification: the file is in the diff.
- R002: \`python3 hello.py\` prints \`Hello, World!\` and exits 0.
  Verification: run it.
`;

export const DEFAULT_RUBRIC = `requirements:
  - id: "R001"
    description: "hello.py exists in the repository root"
    weight: 1.0
    evaluation: binary
  - id: "R002"
    description: "python3 hello.py prints Hello, World! and exits 0"
    weight: 2.0
    evaluation: binary
grading:
  pass_threshold: 0.60
  grade_scale: { S: 1.00, A: 0.80, B: 0.60, C: 0.40, D: 0.20, F: 0.0 }
`;

export const DEFAULT_BLOCKS: Record<string, string> = {
  'B01-project-overview': '# Project overview\n\nA tiny Python project.\n',
  'B02-critical-rules': '# Critical rules\n\n- Never push to main.\n',
  'B03-testing': '# Testing\n\nRun the tests before you finish.\n',
};

const skill = (name: string, description: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\n${description}\n`;
export const DEFAULT_SKILLS: Record<string, Record<string, string>> = {
  quality: {
    'lint-fix': skill('lint-fix', 'Fix lint errors.'),
    'test-first': skill('test-first', 'Write the test first.'),
  },
};

const agent = (name: string, description: string, level: number) =>
  `---\nname: ${name}\ndescription: ${description}\nlevel: ${level}\ntools: Read, Grep\n---\n\nYou are the ${name}.\n`;
export const DEFAULT_AGENTS: Record<string, Record<string, string>> = {
  L2: { designer: agent('designer', 'Designs modules.', 2) },
  L3: { reviewer: agent('reviewer', 'Reviews code.', 3) },
};

/** Default tiers: T0 empty / vanilla / two blocks, T1 one skill category. */
export const DEFAULT_TIERS: Record<string, Record<string, object | null>> = {
  T0: {
    '00-empty': { extends_previous: false, system_prompt_mode: 'none' },
    '01-vanilla': { extends_previous: false, system_prompt_mode: 'default' },
    '02-two-blocks': { resources: { claude_md: { blocks: ['B01', 'B02'] } } },
  },
  T1: { '01-quality': { resources: { skills: { categories: ['quality'] } } } },
};

export interface BuildTestCaseOptions {
  /** `resources_dir`: library at `<case>/resources` (test.yaml `resources_dir: resources`); `original`:
   *  case at `<tmp>/tests/fixtures/tests/test-001`, library at `<tmp>/tests/claude-code/shared`;
   *  `shared`: the original's later layout, as `original` but every subtest is one file
   *  `<library>/subtests/tN/NN-name.yaml` and the case has no `tN/` directories. */
  layout?: 'resources_dir' | 'original' | 'shared';
  /** The task repo, e.g. from `gitdir()`; becomes `source.repo` / `source.hash`. */
  repo: { path: string; commit: string };
  /** Tier → subtest dir name → config.yaml content (`null` = no config.yaml). */
  tiers?: Record<string, Record<string, object | null>>;
  prompt?: string;
  /** `null` = no expected/criteria.md. */
  criteria?: string | null;
  /** Rubric YAML text; `null` = no expected/rubric.yaml. */
  rubric?: string | null;
  /** Block file stem (`B01-overview`) → content. Replaces the defaults. */
  blocks?: Record<string, string>;
  /** Category → skill name → SKILL.md. Replaces the defaults. */
  skills?: Record<string, Record<string, string>>;
  /** Level (`L2`) → agent name → agent .md. Replaces the defaults. */
  agents?: Record<string, Record<string, string>>;
  language?: string;
  /** Merged into test.yaml at the top level. */
  extraTestYaml?: Record<string, unknown>;
  /** Extra files, relative to the test-case dir (e.g. `t5/06-all/CLAUDE.md`). */
  files?: Record<string, string>;
  /** Extra files, relative to the library dir (e.g. `tiers.yaml`). */
  libraryFiles?: Record<string, string>;
  /** The test case's own `config.yaml` (test-level run settings), as text. */
  testConfig?: string;
  /** Test-case id (default `test-001`; also the directory name). */
  id?: string;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Write a complete test case into a fresh temp dir; returns the test-case dir and the library dir. */
export function buildTestCase(opts: BuildTestCaseOptions): { tiersDir: string; resourcesDir: string } {
  const root = tmpDir('scylla-case-');
  const id = opts.id ?? 'test-001';
  const shared = opts.layout === 'shared';
  const original = opts.layout === 'original' || shared;
  const tiersDir = original ? join(root, 'tests', 'fixtures', 'tests', id) : join(root, id);
  const resourcesDir = original ? join(root, 'tests', 'claude-code', 'shared') : join(tiersDir, 'resources');

  const testYaml: Record<string, unknown> = {
    id,
    name: 'Hello world',
    language: opts.language ?? 'python',
    source: { repo: opts.repo.path, hash: opts.repo.commit },
    task: { prompt_file: 'prompt.md', timeout_seconds: 300 },
    ...(original ? {} : { resources_dir: 'resources' }),
    ...opts.extraTestYaml,
  };
  write(join(tiersDir, 'test.yaml'), stringify(testYaml));
  write(join(tiersDir, 'prompt.md'), opts.prompt ?? DEFAULT_PROMPT);
  const criteria = opts.criteria === undefined ? DEFAULT_CRITERIA : opts.criteria;
  const rubric = opts.rubric === undefined ? DEFAULT_RUBRIC : opts.rubric;
  if (criteria !== null) write(join(tiersDir, 'expected', 'criteria.md'), criteria);
  if (rubric !== null) write(join(tiersDir, 'expected', 'rubric.yaml'), rubric);

  if (opts.testConfig !== undefined) write(join(tiersDir, 'config.yaml'), opts.testConfig);

  for (const [tier, subtests] of Object.entries(opts.tiers ?? DEFAULT_TIERS)) {
    for (const [dirName, config] of Object.entries(subtests)) {
      if (shared) {
        const file = join(resourcesDir, 'subtests', tier.toLowerCase(), `${dirName}.yaml`);
        write(file, config === null ? '' : stringify(config));
        continue;
      }
      const dir = join(tiersDir, tier.toLowerCase(), dirName);
      mkdirSync(dir, { recursive: true });
      if (config !== null) write(join(dir, 'config.yaml'), stringify(config));
    }
  }
  for (const [rel, content] of Object.entries(opts.files ?? {})) write(join(tiersDir, rel), content);
  for (const [rel, content] of Object.entries(opts.libraryFiles ?? {}))
    write(join(resourcesDir, rel), content);

  for (const [stem, content] of Object.entries(opts.blocks ?? DEFAULT_BLOCKS))
    write(join(resourcesDir, 'blocks', `${stem}.md`), content);
  for (const [cat, skills] of Object.entries(opts.skills ?? DEFAULT_SKILLS))
    for (const [name, body] of Object.entries(skills))
      write(join(resourcesDir, 'skills', cat, name, 'SKILL.md'), body);
  for (const [level, agents] of Object.entries(opts.agents ?? DEFAULT_AGENTS))
    for (const [name, body] of Object.entries(agents))
      write(join(resourcesDir, 'agents', level, `${name}.md`), body);
  mkdirSync(resourcesDir, { recursive: true });
  return { tiersDir, resourcesDir };
}
