import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runDir, runDirName, subtestDir, workspaceDir } from '../../src/workspace/paths.js';
import { branchName, branchPrefix } from '../../src/workspace/branch-name.js';

function refSafe(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('branchName', () => {
  it('is <experiment>_<tier>_<subtest>_run_<NN>', () => {
    expect(branchName('test-001', 'T0', '00', 1)).toBe('test-001_T0_00_run_01');
    expect(branchName('test-001', 'T5', '12_combo', 100)).toBe('test-001_T5_12_combo_run_100');
  });

  it('gives distinct, git-valid names to ids that a lossy sanitiser would merge', () => {
    const ids = [
      'a/b',
      'a-b',
      'a_b',
      'a.b',
      'a b',
      'a%2Fb',
      'A/B',
      'a..b',
      '-ab',
      'ab.lock',
      'ünï',
      'a:b',
      'a@{b',
      'x'.repeat(300),
    ];
    const names = ids.map((id) => branchName(id, 'T0', '00', 1));
    expect(new Set(names).size).toBe(ids.length);
    for (const n of names) expect(refSafe(n), n).toBe(true);
  });

  it('keeps the experiment prefix free of the separator, so parts cannot shift', () => {
    // Without escaping, ('x_T0', T1, '00') and ('x', T0, 'T1_00') would both be x_T0_T1_00_run_01.
    expect(branchName('x_T0', 'T1', '00', 1)).not.toBe(branchName('x', 'T0', 'T1_00', 1));
    expect(branchPrefix('x_T0')).not.toContain('_');
  });

  it('shortens over-long ids with a hash, still distinct for ids sharing a long head', () => {
    const long = 'e'.repeat(80);
    const p1 = branchPrefix(long + '1');
    const p2 = branchPrefix(long + '2');
    expect(p1.length).toBeLessThanOrEqual(58);
    expect(p1).not.toBe(p2);
    expect(p1.startsWith('e'.repeat(40))).toBe(true);
  });
});

describe('results paths', () => {
  it('lays out subtest, run and workspace directories', () => {
    expect(runDirName(1)).toBe('run_01');
    expect(runDirName(12)).toBe('run_12');
    expect(() => runDirName(0)).toThrow(RangeError);
    expect(subtestDir('/r', 'T0', '00')).toBe('/r/T0/00');
    expect(runDir('/r', 'T0', '00', 3)).toBe('/r/T0/00/run_03');
    expect(workspaceDir('/r/T0/00/run_03')).toBe('/r/T0/00/run_03/workspace');
  });
});
