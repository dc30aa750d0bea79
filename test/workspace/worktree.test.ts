import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { ensureBaseClone } from '../../src/workspace/base-clone.js';
import { runGit } from '../../src/workspace/git.js';
import { runDir, workspaceDir } from '../../src/workspace/paths.js';
import {
  branchName,
  branchTip,
  createWorktree,
  removeWorktree,
  restoreWorktree,
  worktreeExists,
} from '../../src/workspace/worktree.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

async function baseClone(): Promise<{ base: string; commit: string; exp: string }> {
  const src = gitdir({ 'a.py': 'print(1)\n' });
  const exp = tmpDir('scylla-exp-');
  const r = await ensureBaseClone({ repo: src.path, commit: src.commit, dest: join(exp, 'repo') });
  return { base: r.path, commit: r.commit, exp };
}

function worktreeList(base: string): string {
  return git(base, 'worktree', 'list', '--porcelain');
}

describe('createWorktree', () => {
  it('gives worktrees of different experiments on one base clone different branches', async () => {
    const { base, commit, exp } = await baseClone();
    const a = {
      path: join(exp, 'A', 'T0', '00', 'run_01', 'workspace'),
      branch: branchName('exp-a', 'T0', '00', 1),
    };
    const b = {
      path: join(exp, 'B', 'T0', '00', 'run_01', 'workspace'),
      branch: branchName('exp-b', 'T0', '00', 1),
    };
    await createWorktree({ baseRepo: base, commit, ...a });
    writeFileSync(join(a.path, 'agent.txt'), 'A was here');
    git(a.path, 'add', '-A');
    git(a.path, 'commit', '-qm', 'A');
    await createWorktree({ baseRepo: base, commit, ...b });
    expect(a.branch).not.toBe(b.branch);
    // B did not reuse or reset A's branch: A's work is intact.
    expect(readFileSync(join(a.path, 'agent.txt'), 'utf8')).toBe('A was here');
    expect(await branchTip(base, a.branch)).toBe(git(a.path, 'rev-parse', 'HEAD'));
    expect(await branchTip(base, b.branch)).toBe(commit);
    expect(existsSync(join(b.path, 'agent.txt'))).toBe(false);
  });

  it('recovers from an interrupted attempt of the same run (branch, worktree and files left over)', async () => {
    const { base, commit, exp } = await baseClone();
    const ws = workspaceDir(runDir(exp, 'T1', '02', 3));
    const branch = branchName('exp', 'T1', '02', 3);
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    writeFileSync(join(ws, 'half.txt'), 'half done');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'partial');
    writeFileSync(join(ws, 'untracked.txt'), 'x');
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    expect(await branchTip(base, branch)).toBe(commit);
    expect(existsSync(join(ws, 'half.txt'))).toBe(false);
    expect(existsSync(join(ws, 'untracked.txt'))).toBe(false);
    expect(git(ws, 'status', '--porcelain')).toBe('');
  });

  it('recovers when the old workspace directory is gone but its branch and registration remain', async () => {
    const { base, commit, exp } = await baseClone();
    const ws = join(exp, 'run_01', 'workspace');
    const branch = branchName('exp', 'T0', '00', 1);
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    rmSync(ws, { recursive: true });
    mkdirSync(ws); // the engine's mkdir -p of the run directory
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    expect(await worktreeExists(ws)).toBe(true);
  });

  it('fails with a GitError naming the commit when it is not in the base clone', async () => {
    const { base, exp } = await baseClone();
    const bogus = 'deadbeef'.repeat(5);
    const e = await createWorktree({
      baseRepo: base,
      path: join(exp, 'ws'),
      branch: 'b_T0_00_run_01',
      commit: bogus,
    }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(GitError);
    expect((e as GitError).message).toContain(bogus);
  });
});

describe('removeWorktree and look-ups', () => {
  it('removes a worktree with uncommitted changes, keeps its branch, and is idempotent', async () => {
    const { base, commit, exp } = await baseClone();
    const ws = join(exp, 'run_01', 'workspace');
    const branch = branchName('exp', 'T0', '00', 1);
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    writeFileSync(join(ws, 'a.py'), 'changed\n');
    writeFileSync(join(ws, 'new.py'), 'new\n');
    await removeWorktree(base, ws);
    expect(existsSync(ws)).toBe(false);
    expect(worktreeList(base)).not.toContain(ws);
    expect(await branchTip(base, branch)).toBe(commit);
    await removeWorktree(base, ws);
    await removeWorktree(base, join(exp, 'never-existed'));
  });

  it('removes a plain directory that is not (or no longer) a registered worktree', async () => {
    const { base, exp } = await baseClone();
    const dir = join(exp, 'stray');
    mkdirSync(dir);
    writeFileSync(join(dir, 'f'), 'x');
    await removeWorktree(base, dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('worktreeExists is false for a mere directory and true for a worktree', async () => {
    const { base, commit, exp } = await baseClone();
    const ws = join(exp, 'run_01', 'workspace');
    mkdirSync(ws, { recursive: true });
    expect(await worktreeExists(ws)).toBe(false);
    expect(await worktreeExists(join(exp, 'missing'))).toBe(false);
    await createWorktree({ baseRepo: base, path: ws, branch: 'e_T0_00_run_01', commit });
    expect(await worktreeExists(ws)).toBe(true);
    expect(await worktreeExists(join(ws, '..'))).toBe(false);
  });

  it('branchTip is null for a missing branch', async () => {
    const { base } = await baseClone();
    expect(await branchTip(base, 'no_such_branch')).toBeNull();
  });

  it('restoreWorktree checks the branch out again, with its commits, after the directory vanished', async () => {
    const { base, commit, exp } = await baseClone();
    const ws = join(exp, 'run_01', 'workspace');
    const branch = branchName('exp', 'T0', '00', 1);
    await createWorktree({ baseRepo: base, path: ws, branch, commit });
    writeFileSync(join(ws, 'config.md'), 'cfg');
    await runGit(ws, ['add', '-A']);
    await runGit(ws, ['commit', '-qm', 'cfg']);
    const tip = await branchTip(base, branch);
    rmSync(ws, { recursive: true });
    await restoreWorktree({ baseRepo: base, path: ws, branch });
    expect(readFileSync(join(ws, 'config.md'), 'utf8')).toBe('cfg');
    expect(git(ws, 'rev-parse', 'HEAD')).toBe(tip);
    expect(git(ws, 'symbolic-ref', 'HEAD')).toBe(`refs/heads/${branch}`);
    await restoreWorktree({ baseRepo: base, path: ws, branch }); // already there: no-op
    await expect(restoreWorktree({ baseRepo: base, path: ws, branch: 'nope' })).rejects.toThrow(GitError);
  });
});

describe('worktrees created and removed in parallel on one base clone', () => {
  it('never collide, however many run at once (git worktree bookkeeping is not concurrency-safe)', async () => {
    const { base, commit, exp } = await baseClone();
    const n = 12;
    const specs = Array.from({ length: n }, (_, i) => ({
      path: workspaceDir(runDir(exp, `T${i % 3}`, String(i).padStart(2, '0'), 1)),
      branch: branchName('par', `T${i % 3}`, String(i).padStart(2, '0'), 1),
    }));
    // Every worktree directory is named `workspace`, so git must pick distinct admin names under load.
    for (let round = 0; round < 3; round++) {
      await Promise.all(specs.map((s) => createWorktree({ baseRepo: base, commit, ...s })));
      for (const s of specs) expect(await worktreeExists(s.path), s.path).toBe(true);
      await Promise.all(specs.map((s) => removeWorktree(base, s.path)));
      for (const s of specs) expect(existsSync(s.path)).toBe(false);
    }
    expect(
      worktreeList(base)
        .split('\n\n')
        .filter((b) => b.trim() !== ''),
    ).toHaveLength(1);
  });
});
