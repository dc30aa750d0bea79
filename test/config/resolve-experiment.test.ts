// The experiment configuration's layers: flags > --config > the test case's config.yaml > test.yaml > defaults.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash } from '../../src/config/experiment-config.js';
import { resolveExperimentConfig } from '../../src/config/resolve-experiment.js';
import { loadTestLevelConfig } from '../../src/config/experiment-file.js';
import { formatProblem } from '../../src/problem.js';
import { configError } from '../helpers/config-error.js';
import { loadTestCase } from '../../src/fixture/load-test-case.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

function testCase(extra: Record<string, unknown> = {}) {
  const repo = gitdir({ 'README.md': '# x\n' });
  const { tiersDir } = buildTestCase({
    repo,
    extraTestYaml: { task: { prompt_file: 'prompt.md', timeout_seconds: 300 }, ...extra },
  });
  return tiersDir;
}

describe('resolveExperimentConfig', () => {
  it('applies the layers in order: flags, --config, the test-level config.yaml, test.yaml, defaults', () => {
    const tiersDir = testCase();
    writeFileSync(join(tiersDir, 'config.yaml'), 'timeout_seconds: 7200\nmax_cost_usd: 5.0\n');
    const tc = loadTestCase(tiersDir);
    const base = resolveExperimentConfig({ tiersDir }, tc);
    expect(base.timeoutSeconds).toBe(7200); // config.yaml over test.yaml's 300
    expect(base.maxCostUsd).toBe(5);
    expect(base.runs).toBe(10); // default
    expect(base.tiers).toEqual(['T0', 'T1']);
    const cfg = join(tmpDir(), 'exp.yaml');
    writeFileSync(cfg, 'timeout_seconds: 900\nruns_per_subtest: 3\nagent_args: ["--fallback-model", "x"]\n');
    const layered = resolveExperimentConfig({ tiersDir, config: cfg }, tc);
    expect([layered.timeoutSeconds, layered.runs, layered.maxCostUsd]).toEqual([900, 3, 5]);
    expect(layered.agentArgs).toEqual(['--fallback-model', 'x']);
    const flags = resolveExperimentConfig({ tiersDir, config: cfg, timeout: 60, runs: 2 }, tc);
    expect([flags.timeoutSeconds, flags.runs]).toEqual([60, 2]);
  });

  it("test.yaml's runs_per_tier and tiers (unused by the original) are the defaults of --runs and --tiers", () => {
    const tc = loadTestCase(testCase({ runs_per_tier: 3, tiers: ['T0', 'T2'] }));
    const base = resolveExperimentConfig({ tiersDir: tc.dir }, tc);
    expect([base.runs, base.tiers]).toEqual([3, ['T0', 'T2']]);
    const flags = resolveExperimentConfig({ tiersDir: tc.dir, runs: 5, tiers: ['T1'] }, tc);
    expect([flags.runs, flags.tiers]).toEqual([5, ['T1']]);
  });

  it('resolves model aliases for the agent and every judge (defect 17)', () => {
    const tiersDir = testCase();
    const c = resolveExperimentConfig(
      { tiersDir, model: 'sonnet-4-5', judgeModels: ['opus-4-5', 'haiku-4-5'] },
      loadTestCase(tiersDir),
    );
    expect(c.model).toBe('claude-sonnet-4-5-20250929');
    expect(c.judgeModels).toEqual(['claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001']);
  });

  it('hashes what a result means, not how it is run', () => {
    const tiersDir = testCase();
    const tc = loadTestCase(tiersDir);
    const a = resolveExperimentConfig({ tiersDir }, tc);
    expect(configHash(resolveExperimentConfig({ tiersDir, parallel: 8, runs: 3, tiers: ['T0'] }, tc))).toBe(
      configHash(a),
    );
    expect(configHash(resolveExperimentConfig({ tiersDir, model: 'opus-4-5' }, tc))).not.toBe(configHash(a));
    expect(configHash(resolveExperimentConfig({ tiersDir, agentArgs: ['--x'] }, tc))).not.toBe(configHash(a));
  });

  it('the test-level config.yaml sets run settings only: other keys are ignored, a bad value is an error', () => {
    const tiersDir = testCase();
    writeFileSync(
      join(tiersDir, 'config.yaml'),
      'timeout_seconds: 10\ntask_repo: /elsewhere\nnotes: anything\n',
    );
    const c = resolveExperimentConfig({ tiersDir }, loadTestCase(tiersDir));
    expect(c.timeoutSeconds).toBe(10);
    expect(c.repo).not.toBe('/elsewhere');
    // validate warns about each key that is not read, at its line.
    const read = loadTestLevelConfig(tiersDir)!;
    expect(read.warnings.map((w) => [w.line, w.field])).toEqual([
      [2, 'task_repo'],
      [3, 'notes'],
    ]);
    writeFileSync(join(tiersDir, 'config.yaml'), 'timeout_seconds: soon\nmax_cost_usd: -1\n');
    const err = configError(() => resolveExperimentConfig({ tiersDir }, loadTestCase(tiersDir)));
    expect(err.problems.map((p) => formatProblem(p))).toEqual([
      `${join(tiersDir, 'config.yaml')}:1: timeout_seconds: "soon" is not a number`,
      `${join(tiersDir, 'config.yaml')}:2: max_cost_usd: -1 is too small: expected number to be >0`,
    ]);
  });
});
