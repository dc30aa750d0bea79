// `scylla validate` and `scylla run --dry-run` on both layouts (they list the same subtests), the
// selection flags, and bad input: exit 1 with file, line, field and value, nothing created.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ValidationReport } from '../../src/fixture/validate.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** Run `scylla <args>` in this process; its exit code and what it printed. */
async function scylla(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    await main(['node', 'scylla', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.exitCode = before;
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());

const repo = gitdir({ 'README.md': '# x\n' });
const TIERS = {
  T0: {
    '00-empty': { system_prompt_mode: 'none' },
    '01-vanilla': {},
    '02-b1': { resources: { claude_md: { blocks: ['B01'] } } },
  },
  T1: { '01-quality': { skills: ['lint-fix', 'test-first'] } },
  T4: {
    '01-lead': { resources: { agents: { levels: [2] } } },
    '08-lead-teams': { extends_previous: true, agent_teams: true, resources: { agents: { levels: [2] } } },
  },
};

/** `T0/00` … from validate --json, and from the dry-run table. */
const fromValidate = (out: string) =>
  (JSON.parse(out) as ValidationReport).tiers.flatMap((t) => t.subtests.map((s) => `${s.tier}/${s.id}`));
const fromDryRun = (out: string) => [...out.matchAll(/^(T\d\/\d\d) /gm)].map((m) => m[1]);

describe.each(['original', 'shared'] as const)('the %s layout', (layout) => {
  const { tiersDir } = buildTestCase({ repo, layout, tiers: TIERS });
  const results = join(tmpDir('scylla-results-'), 'results');
  const common = ['--tiers-dir', tiersDir, '--tiers', 'T0', 'T1', 'T4'];

  it('validate and run --dry-run list the same subtests, also for a selection and without agent teams', async () => {
    for (const extra of [[], ['--subtests', 'T0/00,T4/08', '--subtests', 'T1'], ['--skip-agent-teams']]) {
      const v = await scylla('validate', ...common, '--json', ...extra);
      expect(v.code, v.out).toBe(0);
      const d = await scylla('run', ...common, '--results-dir', results, '--dry-run', ...extra);
      expect(d.code, d.err).toBe(0);
      expect(fromDryRun(d.out)).toEqual(fromValidate(v.out));
    }
    const chosen = await scylla(
      'validate',
      ...common,
      '--json',
      '--subtests',
      'T0/00,T4/08',
      '--subtests',
      'T1',
    );
    expect(fromValidate(chosen.out)).toEqual(['T0/00', 'T1/01', 'T4/08']);
    const noTeams = await scylla('validate', ...common, '--json', '--skip-agent-teams');
    expect(fromValidate(noTeams.out)).not.toContain('T4/08');
    const text = await scylla('validate', ...common);
    expect(text.out).toMatch(/08 lead-teams .*default, agent teams/);
    expect(existsSync(results)).toBe(false);
  });
});

describe('validate tells the whole truth', () => {
  it('a test case with zero subtests fails validation', async () => {
    const { tiersDir } = buildTestCase({ repo, layout: 'shared', tiers: {} });
    const r = await scylla('validate', '--tiers-dir', tiersDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /error .*no subtests found; looked in .*\/tN\/NN-name\/ and .*\/subtests\/tN\/NN-name\.yaml/,
    );
    expect(r.out).toContain('1 error, ');
  });

  it("reports a duplicate-id subtest's missing block, and --json emits every problem as data", async () => {
    const { tiersDir } = buildTestCase({
      repo,
      layout: 'shared',
      tiers: {
        T0: {
          '03-one': { resources: { claude_md: { blocks: ['B01'] } } },
          '03-two': { resources: { claude_md: { blocks: ['B77'] } } },
        },
      },
    });
    const r = await scylla('validate', '--tiers-dir', tiersDir, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as ValidationReport;
    const file = report.tiers[0].subtests[1].file;
    expect(file).toMatch(/subtests\/t0\/03-two\.yaml$/);
    expect(report.problems).toEqual([
      { severity: 'error', file, line: 1, message: 'duplicate subtest id 03 in tier T0: 03-one and 03-two' },
      {
        severity: 'error',
        file,
        line: 4,
        field: 'resources.claude_md.blocks.0',
        value: 'B77',
        message: expect.stringMatching(/^is not a block of .*\/blocks$/),
      },
    ]);
  });
});

describe('bad input: exit 1, file, line, field and value, nothing created', () => {
  const cases: [string, (lib: string, dir: string) => void, RegExp][] = [
    [
      'a malformed shared subtest',
      (lib) =>
        writeFileSync(
          join(lib, 'subtests', 't0', '02-b1.yaml'),
          'resources:\n  skills:\n    names: ["../../../../etc"]\n',
        ),
      /02-b1\.yaml:3: resources\.skills\.names\.0: "\.\.\/\.\.\/\.\.\/\.\.\/etc" must be a plain name/,
    ],
    [
      'a malformed tiers.yaml',
      (lib) => writeFileSync(join(lib, 'tiers.yaml'), 'tiers:\n  T0:\n    name: [not, a, name]\n'),
      /tiers\.yaml:3: tiers\.T0\.name: \["not","a","name"\] is not a string/,
    ],
    [
      'a malformed test-level config.yaml',
      (_lib, dir) => writeFileSync(join(dir, 'config.yaml'), 'timeout_seconds: 7200\nmax_cost_usd: five\n'),
      /config\.yaml:2: max_cost_usd: "five" is not a number/,
    ],
    [
      'a subtest naming a missing block',
      (lib) =>
        writeFileSync(
          join(lib, 'subtests', 't0', '02-b1.yaml'),
          'resources: {claude_md: {blocks: [B01, B42]}}\n',
        ),
      /02-b1\.yaml:1: resources\.claude_md\.blocks\.1: "B42" is not a block of/,
    ],
  ];
  it.each(cases)('%s', async (_name, spoil, message) => {
    const { tiersDir, resourcesDir } = buildTestCase({ repo, layout: 'shared', tiers: TIERS });
    spoil(resourcesDir, tiersDir);
    const results = join(tmpDir('scylla-results-'), 'results');
    const r = await scylla(
      'run',
      '--tiers-dir',
      tiersDir,
      '--tiers',
      'T0',
      '--runs',
      '1',
      '--results-dir',
      results,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(existsSync(results)).toBe(false);
  });

  it('a malformed --subtests entry is a usage error (exit 2)', async () => {
    const { tiersDir } = buildTestCase({ repo, layout: 'shared', tiers: TIERS });
    const r = await scylla('run', '--tiers-dir', tiersDir, '--subtests', 'T0/x', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--subtests: 'T0/x' is not a tier (T0..T6) or a subtest (T4/08)");
  });
});
