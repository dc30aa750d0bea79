import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBaseClone } from '../../src/workspace/base-clone.js';
import { runDir, subtestDir, workspaceDir } from '../../src/workspace/paths.js';
import { quarantineRunDir } from '../../src/workspace/quarantine.js';
import { createRunRepo, ensurePristineStore } from '../../src/workspace/run-repo.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

function makeRun(dir: string, marker: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'marker.txt'), marker);
}

describe('quarantineRunDir', () => {
  it('numbers attempts per run: 01, 02, then one past the highest present', () => {
    const exp = tmpDir();
    const sub = subtestDir(exp, 'T0', '00');
    const run1 = runDir(exp, 'T0', '00', 1);
    makeRun(run1, 'first');
    expect(quarantineRunDir(run1)).toBe(join(sub, '.failed', 'run_01_attempt_01'));
    expect(existsSync(run1)).toBe(false);
    makeRun(run1, 'second');
    expect(quarantineRunDir(run1)).toBe(join(sub, '.failed', 'run_01_attempt_02'));
    expect(readFileSync(join(sub, '.failed', 'run_01_attempt_01', 'marker.txt'), 'utf8')).toBe('first');
    expect(readFileSync(join(sub, '.failed', 'run_01_attempt_02', 'marker.txt'), 'utf8')).toBe('second');

    mkdirSync(join(sub, '.failed', 'run_01_attempt_07'));
    makeRun(run1, 'third');
    expect(quarantineRunDir(run1)).toBe(join(sub, '.failed', 'run_01_attempt_08'));

    const run2 = runDir(exp, 'T0', '00', 2);
    makeRun(run2, 'other run');
    expect(quarantineRunDir(run2)).toBe(join(sub, '.failed', 'run_02_attempt_01'));
    expect(readdirSync(join(sub, '.failed')).sort()).toEqual([
      'run_01_attempt_01',
      'run_01_attempt_02',
      'run_01_attempt_07',
      'run_01_attempt_08',
      'run_02_attempt_01',
    ]);
  });

  it('moves a run repository along as a self-contained copy, and the run can be redone at the same path', async () => {
    const src = gitdir({ 'a.py': 'x\n' });
    const exp = tmpDir();
    const { path: base, commit } = await ensureBaseClone({
      repo: src.path,
      commit: src.commit,
      dest: join(exp, 'repo'),
    });
    const store = join(exp, 'task.git');
    await ensurePristineStore(base, commit, store);
    const run = runDir(exp, 'T0', '00', 1);
    const ws = workspaceDir(run);
    await createRunRepo({ path: ws, branch: 'e_T0_00_run_01', commit, store });
    writeFileSync(join(ws, 'agent.py'), 'partial\n');
    const moved = quarantineRunDir(run);
    expect(readFileSync(join(moved, 'workspace', 'agent.py'), 'utf8')).toBe('partial\n');
    expect(git(join(moved, 'workspace'), 'status', '--porcelain')).toBe('?? agent.py');
    await createRunRepo({ path: ws, branch: 'e_T0_00_run_01', commit, store });
    expect(git(ws, 'status', '--porcelain')).toBe('');
  });
});
