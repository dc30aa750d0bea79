// `--subtests` entries, and how the selection, `--subtests-dir` and `--skip-agent-teams` reach the
// experiment configuration (a selection's tiers belong to the experiment; nothing of it is hashed).
import { describe, expect, it } from 'vitest';
import { configHash } from '../../src/config/experiment-config.js';
import { resolveExperimentConfig } from '../../src/config/resolve-experiment.js';
import { parseSelection, selectedIn, selectionTiers } from '../../src/config/subtest-selection.js';
import { UsageError } from '../../src/errors.js';
import { loadTestCase } from '../../src/fixture/load-test-case.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

describe('parseSelection', () => {
  it('reads tiers and subtests in any case, pads one digit, and names what is not an entry', () => {
    const { entries, bad } = parseSelection(['T0/00', 't4/8', 'T2', 'T7', 'T1/abc', '']);
    expect(entries).toEqual([{ tier: 'T0', subtest: '00' }, { tier: 'T4', subtest: '08' }, { tier: 'T2' }]);
    expect(bad).toEqual([
      "'T7' is not a tier (T0..T6) or a subtest (T4/08)",
      "'T1/abc' is not a tier (T0..T6) or a subtest (T4/08)",
    ]);
    expect(selectionTiers(entries)).toEqual(['T0', 'T2', 'T4']);
    expect(selectedIn(entries, 'T2')).toBe('all');
    expect(selectedIn(entries, 'T4')).toEqual(new Set(['08']));
    expect(selectedIn(entries, 'T1')).toBeNull();
    expect(selectedIn(null, 'T1')).toBe('all');
  });
});

describe('the selection in the experiment configuration', () => {
  const repo = gitdir({ 'README.md': '# x\n' });
  const { tiersDir, resourcesDir } = buildTestCase({
    repo,
    layout: 'shared',
    extraTestYaml: { tiers: ['T0', 'T1'] },
  });
  const tc = loadTestCase(tiersDir);

  it("adds the selection's tiers to the experiment's, and hashes none of it", () => {
    const all = resolveExperimentConfig({ tiersDir }, tc);
    const some = resolveExperimentConfig({ tiersDir, subtests: ['T5/02', 'T0'], skipAgentTeams: true }, tc);
    expect([all.subtests, all.skipAgentTeams, all.subtestsDir]).toEqual([
      null,
      false,
      `${resourcesDir}/subtests`,
    ]);
    expect([some.tiers, some.subtests, some.skipAgentTeams]).toEqual([
      ['T0', 'T1', 'T5'],
      ['T5/02', 'T0'],
      true,
    ]);
    expect(configHash(some)).toBe(configHash(all));
  });

  it('--subtests-dir wins over the library default; a bad entry is a usage error', () => {
    const other = tmpDir('scylla-subtests-');
    expect(resolveExperimentConfig({ tiersDir, subtestsDir: other }, tc).subtestsDir).toBe(other);
    expect(() => resolveExperimentConfig({ tiersDir, subtests: ['T9'] }, tc)).toThrow(UsageError);
  });
});
