// Per-run repositories: only the pinned history and the run's own commits are visible inside; the
// run's branch reaches the archive; a vanished workspace comes back with its published commits.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBaseClone } from '../../src/workspace/base-clone.js';
import {
  createRunRepo,
  ensurePristineStore,
  publishRunBranch,
  resealRunRepo,
  restoreRunRepo,
  runRepoExists,
} from '../../src/workspace/run-repo.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** A task repo whose pinned commit has a later commit and a side branch (the solution, say). */
async function experiment() {
  const src = gitdir({ 'a.py': 'print(1)\n' });
  const pinned = src.commit;
  writeFileSync(join(src.path, 'solution.py'), 'print("answer")\n');
  git(src.path, 'add', '-A');
  git(src.path, 'commit', '-q', '-m', 'later: the solution');
  const later = git(src.path, 'rev-parse', 'HEAD');
  git(src.path, 'branch', 'side', later);
  const exp = tmpDir('scylla-exp-');
  const clone = await ensureBaseClone({ repo: src.path, commit: pinned, dest: join(exp, 'repo') });
  const store = join(exp, 'task.git');
  await ensurePristineStore(clone.path, pinned, store);
  return { exp, archive: clone.path, store, pinned, later };
}

const objects = (ws: string) => git(ws, 'cat-file', '--batch-all-objects', '--batch-check');

describe('per-run repositories', () => {
  it('show only the pinned history and the run’s own commits, never another run’s', async () => {
    const e = await experiment();
    const ws1 = join(e.exp, 'T0', '00', 'run_01', 'workspace');
    const ws2 = join(e.exp, 'T0', '00', 'run_02', 'workspace');
    await createRunRepo({ path: ws1, branch: 'x_T0_00_run_01', commit: e.pinned, store: e.store });
    writeFileSync(join(ws1, 'mine.py'), 'print("run 1")\n');
    git(ws1, 'add', '-A');
    git(ws1, 'commit', '-q', '-m', 'run 1 work');
    const run1 = git(ws1, 'rev-parse', 'HEAD');
    await publishRunBranch(e.archive, ws1, 'x_T0_00_run_01');
    await createRunRepo({ path: ws2, branch: 'x_T0_00_run_02', commit: e.pinned, store: e.store });

    expect(git(ws2, 'branch', '-a')).toBe('* x_T0_00_run_02');
    expect(git(ws2, 'log', '--all', '--format=%H')).toBe(e.pinned);
    expect(git(ws2, 'reflog', '--format=%H')).not.toContain(run1);
    const all = objects(ws2);
    expect(all).toContain(e.pinned);
    for (const other of [run1, e.later]) expect(all).not.toContain(other);
    expect(existsSync(join(ws2, 'a.py'))).toBe(true);
    // The archive holds the run branch; the pristine store never gets it.
    expect(git(e.archive, 'rev-parse', 'x_T0_00_run_01')).toBe(run1);
    expect(git(e.store, 'cat-file', '--batch-all-objects', '--batch-check')).not.toContain(run1);
  });

  it('restores a vanished workspace from the archive with its published commits', async () => {
    const e = await experiment();
    const ws = join(e.exp, 'T0', '00', 'run_01', 'workspace');
    const opts = { path: ws, branch: 'x_T0_00_run_01', commit: e.pinned, store: e.store, archive: e.archive };
    await createRunRepo(opts);
    writeFileSync(join(ws, 'cfg.md'), 'config\n');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'config');
    const tip = git(ws, 'rev-parse', 'HEAD');
    await publishRunBranch(e.archive, ws, opts.branch);
    rmSync(ws, { recursive: true, force: true });
    expect(runRepoExists(ws)).toBe(false);
    await restoreRunRepo(opts);
    expect(git(ws, 'rev-parse', 'HEAD')).toBe(tip);
    expect(git(ws, 'status', '--porcelain')).toBe('');
    expect(git(ws, 'branch', '-a')).toBe('* x_T0_00_run_01');
    // No branch in the archive yet: made at the pinned commit.
    const fresh = { ...opts, path: join(e.exp, 'T0', '00', 'run_02', 'workspace'), branch: 'x_T0_00_run_02' };
    await restoreRunRepo(fresh);
    expect(git(fresh.path, 'rev-parse', 'HEAD')).toBe(e.pinned);
  });

  it('reseal undoes what the agent wrote into .git/config and the alternates', async () => {
    const e = await experiment();
    const ws = join(e.exp, 'ws');
    await createRunRepo({ path: ws, branch: 'b', commit: e.pinned, store: e.store });
    git(ws, 'config', 'filter.evil.clean', 'touch /tmp/pwned-by-filter');
    writeFileSync(
      join(ws, '.git', 'objects', 'info', 'alternates'),
      `${join(e.archive, '.git', 'objects')}\n`,
    );
    resealRunRepo(ws, e.store);
    expect(git(ws, 'config', '--list', '--local')).not.toContain('filter.evil');
    expect(objects(ws)).not.toContain(e.later);
  });
});
