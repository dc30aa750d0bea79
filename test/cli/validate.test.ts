// `scylla validate` and `scylla init`: every planted problem is reported with file and line; init's output validates.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as init } from '../../src/cli/commands/init.js';
import { render, run as validate } from '../../src/cli/commands/validate.js';
import { formatProblem } from '../../src/problem.js';
import type { ValidationReport } from '../../src/fixture/validate.js';
import { validateTestCase } from '../../src/fixture/validate.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** Run a command's `run()` and capture what it prints. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await fn(), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

const lineOf = (file: string, needle: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle)) + 1;

describe('scylla validate', () => {
  it('reports five planted problems, each with file and line, and exits 1', async () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir } = buildTestCase({
      repo,
      tiers: {
        T0: {
          '00-empty': { extends_previous: false, system_prompt_mode: 'none' },
          '02-missing-block': { resources: { claude_md: { blocks: ['B01', 'B09'] } } },
          '03-contradiction': {
            description: 'Blocks B02 and B03',
            resources: { claude_md: { blocks: ['B01'] } },
          },
          '04-first': { resources: { claude_md: { blocks: ['B02'] } } },
          '04-second': { resources: { claude_md: { blocks: ['B03'] } } },
        },
        T1: {
          '01-missing-skill': { resources: { skills: { names: ['lint-fix', 'no-such-skill'] } } },
          '02-traversal': { resources: { skills: { names: ['../../../etc'] } } },
        },
        T3: {
          '01-reviewer': { resources: { agents: { names: ['reviewer'] } } },
          '02-level-3': { resources: { agents: { levels: [3] } } },
        },
      },
    });
    const { code, out } = await capture(() => validate({ tiersDir, json: true }));
    expect(code).toBe(1);
    const r = JSON.parse(out) as ValidationReport;
    const f = (tier: string, dir: string) => join(tiersDir, tier, dir, 'config.yaml');
    const expected = [
      {
        severity: 'error',
        file: f('t0', '02-missing-block'),
        line: lineOf(f('t0', '02-missing-block'), 'B09'),
        text: 'resources.claude_md.blocks.1: "B09" is not a block of',
      },
      {
        severity: 'warning',
        file: f('t0', '03-contradiction'),
        line: lineOf(f('t0', '03-contradiction'), 'description'),
        text: 'names B02, B03',
      },
      { severity: 'error', file: f('t0', '04-second'), line: 1, text: 'duplicate subtest id 04' },
      {
        severity: 'error',
        file: f('t1', '01-missing-skill'),
        line: lineOf(f('t1', '01-missing-skill'), 'no-such-skill'),
        text: 'resources.skills.names.1: "no-such-skill" is not a skill of',
      },
      {
        severity: 'error',
        file: f('t1', '02-traversal'),
        line: lineOf(f('t1', '02-traversal'), 'etc'),
        text: 'resources.skills.names.0: "../../../etc" must be a plain name',
      },
    ];
    const all = r.problems.map((p) => formatProblem(p)).join('\n');
    for (const e of expected) {
      const hit = r.problems.find((p) => p.file === e.file && formatProblem(p).includes(e.text));
      expect(hit, `${e.text} in\n${all}`).toBeDefined();
      expect(hit!.severity).toBe(e.severity);
      expect(hit!.line).toBe(e.line);
      expect(e.line).toBeGreaterThan(0);
    }
    // Subtests with one configuration: one warning for the tier, naming the groups.
    const same = r.problems.find((p) => p.message.includes('distinct configuration'));
    expect(same).toMatchObject({ severity: 'warning', file: join(tiersDir, 't3') });
    expect(same!.message).toContain('T3: 2 subtests, 1 distinct configuration: T3/01 = T3/02');
    expect(r.errors).toBe(4);
    expect(r.warnings).toBe(2);

    // The text form: a table per tier and every problem as file:line.
    const text = render(r, tiersDir);
    expect(text).toContain('T0 (5 subtests)'); // the duplicate id is listed (and checked) too
    expect(text).toMatch(/00 empty\s+-\s+-\s+-\s+default\s+-\s+none/);
    expect(text).toContain(
      `error   t1/01-missing-skill/config.yaml:${expected[3].line}: resources.skills.names.1: "no-such-skill" is not a skill`,
    );
    expect(text).toContain('4 errors, 2 warnings');
  });

  it('shows what each subtest gets, baselines included, and warns when a tool list hides skills', async () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir, resourcesDir } = buildTestCase({
      repo,
      tiers: {
        T0: { '00-empty': {}, '01-vanilla': {}, '02-b1': { resources: { claude_md: { blocks: ['B01'] } } } },
        T2: {
          '01-restricted': {
            tools: { enabled: ['Read', 'Write'] },
            skills: { categories: ['quality'] },
            mcp_servers: ['echo'],
          },
        },
        T5: {
          '01-best': { inherit_best_from: ['T0', 'T2'] },
          '02-layered': { thinking: 'off', system_prompt_mode: 'none' },
        },
        T6: { '01-all': { agent: 'designer' } },
      },
    });
    mkdirSync(join(resourcesDir, 'mcp'));
    writeFileSync(
      join(resourcesDir, 'mcp', 'echo.json'),
      JSON.stringify({ command: 'node', args: ['echo.js'] }),
    );
    const { code, out } = await capture(() => validate({ tiersDir, tiers: ['T0', 'T2', 'T5', 'T6'] }));
    expect(code, out).toBe(0);
    expect(out).toMatch(/00 empty .* none/);
    expect(out).toMatch(/01 vanilla .* default/);
    expect(out).toMatch(/01 restricted\s+-\s+lint-fix,test-first\s+-\s+Read,Write\s+echo\s+default/);
    expect(out).toContain('merges winners of T0, T2');
    expect(out).toContain('inherits winner of T0/T2 (lowest cost-of-pass)');
    expect(out).toMatch(/02 layered .* none, thinking off/);
    expect(out).toMatch(/01 all .*designer \(main: designer\).* inherits winner of T5/);
    expect(out).toMatch(
      /warning .*t2\/01-restricted\/config.yaml:\d+: tools: grants 2 skill\(s\) but the tool list has no 'Skill'/,
    );
    expect(out).toContain('0 errors, 1 warning');
  });

  it('loads the original layout (resources three levels up, root-level keys override resources)', () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir, resourcesDir } = buildTestCase({
      repo,
      layout: 'original',
      tiers: {
        T0: {
          '00-empty': {},
          '01-vanilla': {},
          '02-two': { resources: { claude_md: { blocks: ['B01', 'B02'] } } },
        },
        T1: {
          '01-root-wins': {
            skills: { names: ['test-first'] },
            resources: { skills: { categories: ['quality'] } },
          },
        },
      },
    });
    expect(tiersDir).toMatch(/tests\/fixtures\/tests\/test-001$/);
    const r = validateTestCase(tiersDir);
    expect(r.errors).toBe(0);
    expect(r.resourcesDir).toBe(resourcesDir);
    expect(r.tiers.find((t) => t.id === 'T0')!.subtests[2].blocks).toEqual(['B01', 'B02']);
    expect(r.tiers.find((t) => t.id === 'T1')!.subtests[0].skills).toEqual(['test-first']);
  });
});

describe('scylla init', () => {
  it('scaffolds a test case and the standard matrix from the library, and the result validates cleanly', async () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { resourcesDir } = buildTestCase({
      repo,
      agents: {
        L0: { chief: '---\nname: chief\ndescription: Leads.\n---\n\nYou lead.\n' },
        L1: { orch: '---\nname: orch\ndescription: Orchestrates.\n---\n\nYou orchestrate.\n' },
        L3: {
          reviewer: '---\nname: reviewer\ndescription: Reviews.\n---\n\nYou review.\n',
          tester: '---\nname: tester\ndescription: Tests.\n---\n\nYou test.\n',
        },
      },
    });
    mkdirSync(join(resourcesDir, 'mcp'));
    writeFileSync(
      join(resourcesDir, 'mcp', 'echo.json'),
      JSON.stringify({ command: 'node', args: ['echo.js'] }),
    );
    const dir = join(tmpDir('scylla-init-'), 'my-case');
    const { code, out } = await capture(() => init({ dir, resources: resourcesDir }));
    expect(code, out).toBe(0);
    expect(out).toContain('0 errors, 0 warnings');

    const r = validateTestCase(dir);
    expect(r.problems).toEqual([]);
    const ids = (t: string) => r.tiers.find((x) => x.id === t)!.subtests.map((s) => s.dirName);
    expect(ids('T0')).toEqual([
      '00-empty',
      '01-vanilla',
      '02-all-blocks',
      '03-b01-project-overview',
      '04-b02-critical-rules',
      '05-b03-testing',
    ]);
    expect(ids('T1')).toEqual(['01-quality']);
    expect(ids('T2')).toEqual([
      '01-file-ops',
      '02-file-ops-shell',
      '03-file-ops-search',
      '04-all-tools',
      '05-mcp-echo',
    ]);
    expect(ids('T3')).toEqual(['01-chief', '02-orch', '03-reviewer', '04-tester', '05-all-l3']);
    expect(ids('T4')).toEqual(['01-chief', '02-orch']);
    expect(ids('T5')).toEqual(['01-best-prompts-skills', '02-best-tools-agents', '03-best-of-all']);
    expect(ids('T6')).toEqual(['01-everything']);
    const t4 = r.tiers.find((x) => x.id === 'T4')!.subtests[0];
    expect(t4.mainAgent).toBe('chief');
    expect(t4.agents).toEqual(['chief', 'orch', 'reviewer', 'tester']);
    const t6 = r.tiers.find((x) => x.id === 'T6')!.subtests[0];
    expect(t6).toMatchObject({ blocks: ['B01', 'B02', 'B03'], tools: 'all', mcp: ['echo'] });
    expect(readFileSync(join(dir, 'test.yaml'), 'utf8')).toMatch(/^# A Scylla test case/);
    expect(readFileSync(join(dir, 'expected', 'rubric.yaml'), 'utf8')).toContain('pass_threshold');

    // A second init into the same (now non-empty) directory refuses.
    await expect(init({ dir, resources: resourcesDir })).rejects.toThrow(/not empty/);
  });
});
