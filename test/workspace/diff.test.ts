import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBaseClone } from '../../src/workspace/base-clone.js';
import { captureDiff, commitAgentChanges, commitConfig, type ChangedFile } from '../../src/workspace/diff.js';
import { createRunRepo, ensurePristineStore } from '../../src/workspace/run-repo.js';
import { git, gitdir, GIT_TEST_ENV, writeTree, type FileTree } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** A fresh run worktree of a task repo holding `tree`. */
async function workspace(tree: FileTree): Promise<{ ws: string; base: string; commit: string }> {
  const src = gitdir(tree);
  const exp = tmpDir('scylla-exp-');
  const { path: base, commit } = await ensureBaseClone({
    repo: src.path,
    commit: src.commit,
    dest: join(exp, 'repo'),
  });
  const ws = join(exp, 'T0', '00', 'run_01', 'workspace');
  const store = join(exp, 'task.git');
  await ensurePristineStore(base, commit, store);
  await createRunRepo({ path: ws, branch: 'exp_T0_00_run_01', commit, store });
  return { ws, base, commit };
}

const byPath = (a: ChangedFile, b: ChangedFile) => (a.path < b.path ? -1 : 1);
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('commitAgentChanges + captureDiff', () => {
  it('records new untracked files with their content, modified and deleted files, odd names and binaries', async () => {
    const { ws } = await workspace({ 'a.py': 'print(1)\n', 'gone.txt': 'bye\n', '.gitignore': 'build/\n' });
    const configSha = await commitConfig(ws, ['CLAUDE.md', '.claude']); // nothing materialised: null
    expect(configSha).toBeNull();
    const from = git(ws, 'rev-parse', 'HEAD');
    writeTree(ws, {
      'a.py': 'print(2)\n',
      'new dir/hello world.py': 'print("brand new")\n',
      'données/é.txt': 'unicode\n',
      'build/out.o': 'ignored by the repo\n',
    });
    writeFileSync(join(ws, 'blob.bin'), BINARY);
    rmSync(join(ws, 'gone.txt'));
    const sha = await commitAgentChanges(ws, 'agent');
    expect(sha).toBe(git(ws, 'rev-parse', 'HEAD'));
    const d = await captureDiff(ws, from);
    expect([...d.files].sort(byPath)).toEqual([
      { path: 'a.py', status: 'modified', framework: false },
      { path: 'blob.bin', status: 'added', framework: false },
      { path: 'données/é.txt', status: 'added', framework: false },
      { path: 'gone.txt', status: 'deleted', framework: false },
      { path: 'new dir/hello world.py', status: 'added', framework: false },
    ]);
    expect(d.patch).toContain('+print("brand new")');
    expect(d.patch).toContain('diff --git a/données/é.txt b/données/é.txt');
    expect(d.patch).toContain('GIT binary patch');
    expect(d.patch).not.toContain('out.o');

    // The patch is complete: applied to the starting commit it reproduces the agent's tree, binary included.
    const check = tmpDir();
    git(ws, 'worktree', 'add', '-q', '--detach', join(check, 'w'), from);
    execFileSync('git', ['apply', '--index'], { cwd: join(check, 'w'), input: d.patch, env: GIT_TEST_ENV });
    expect(git(join(check, 'w'), 'write-tree')).toBe(git(ws, 'rev-parse', 'HEAD^{tree}'));
  });

  it('returns null when the agent changed nothing', async () => {
    const { ws } = await workspace({ 'a.py': 'x\n' });
    expect(await commitAgentChanges(ws, 'agent')).toBeNull();
    expect(await captureDiff(ws, 'HEAD')).toEqual({ patch: '', files: [] });
  });

  it('flags framework files and detects renames', async () => {
    const { ws, commit } = await workspace({
      'CLAUDE.md': 'repo rules\n',
      'src/long.py': 'x = 1\n'.repeat(20),
    });
    writeTree(ws, {
      'CLAUDE.md': 'changed\n',
      '.claude/settings.json': '{}\n',
      'src/nested/CLAUDE.md': 'mine\n',
    });
    git(ws, 'mv', 'src/long.py', 'src/renamed.py');
    await commitAgentChanges(ws, 'agent');
    const d = await captureDiff(ws, commit);
    expect([...d.files].sort(byPath)).toEqual([
      { path: '.claude/settings.json', status: 'added', framework: true },
      { path: 'CLAUDE.md', status: 'modified', framework: true },
      { path: 'src/nested/CLAUDE.md', status: 'added', framework: false },
      { path: 'src/renamed.py', status: 'renamed', framework: false, oldPath: 'src/long.py' },
    ]);
  });

  it('includes commits the agent made itself', async () => {
    const { ws, commit } = await workspace({ 'a.py': 'x\n' });
    writeFileSync(join(ws, 'committed.py'), 'c\n');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'agent commit');
    writeFileSync(join(ws, 'loose.py'), 'l\n');
    await commitAgentChanges(ws, 'agent');
    const d = await captureDiff(ws, commit);
    expect(d.files.map((f) => f.path).sort()).toEqual(['committed.py', 'loose.py']);
  });

  it('recovers from an index.lock left behind by a killed git', async () => {
    const { ws } = await workspace({ 'a.py': 'x\n' });
    writeFileSync(join(ws, 'b.py'), 'b\n');
    writeFileSync(git(ws, 'rev-parse', '--path-format=absolute', '--git-path', 'index.lock'), '');
    expect(await commitAgentChanges(ws, 'agent')).not.toBeNull();
  });
});

describe('commitConfig', () => {
  it('keeps the configuration out of the later agent diff', async () => {
    const { ws, commit } = await workspace({ 'a.py': 'x\n' });
    writeTree(ws, {
      'CLAUDE.md': '# Rules\n',
      '.claude/skills/s/SKILL.md': 'skill\n',
      'stray.txt': 'not config\n',
    });
    const configSha = await commitConfig(ws, ['CLAUDE.md', '.claude']);
    expect(configSha).toBe(git(ws, 'rev-parse', 'HEAD'));
    expect(git(ws, 'show', '--name-only', '--format=%s', 'HEAD').split('\n')).toEqual([
      '[scylla] Initialize test configuration',
      '',
      '.claude/skills/s/SKILL.md',
      'CLAUDE.md',
    ]);
    writeFileSync(join(ws, 'agent.py'), 'work\n');
    await commitAgentChanges(ws, 'agent');
    const agentOnly = await captureDiff(ws, configSha!);
    expect(agentOnly.files.map((f) => f.path).sort()).toEqual(['agent.py', 'stray.txt']);
    expect(agentOnly.patch).not.toContain('# Rules');
    // From the task commit the config is there, flagged as framework.
    const all = await captureDiff(ws, commit);
    expect(
      all.files
        .filter((f) => f.framework)
        .map((f) => f.path)
        .sort(),
    ).toEqual(['.claude/skills/s/SKILL.md', 'CLAUDE.md']);
  });

  it('commits a deletion (T0/00 removes the repo’s CLAUDE.md) and skips paths that exist nowhere', async () => {
    const { ws } = await workspace({ 'CLAUDE.md': 'repo rules\n', 'a.py': 'x\n' });
    rmSync(join(ws, 'CLAUDE.md'));
    const sha = await commitConfig(ws, ['CLAUDE.md', '.claude']);
    expect(sha).not.toBeNull();
    expect(git(ws, 'show', '--name-status', '--format=', 'HEAD')).toBe('D\tCLAUDE.md');
    expect(git(ws, 'status', '--porcelain')).toBe('');
    expect(await commitConfig(ws, ['CLAUDE.md', '.claude'])).toBeNull();
  });

  it('commits config even when the repo’s .gitignore matches it, and accepts absolute paths', async () => {
    const { ws } = await workspace({ '.gitignore': 'CLAUDE.md\n.claude/\n', 'a.py': 'x\n' });
    mkdirSync(join(ws, '.claude'));
    writeTree(ws, { 'CLAUDE.md': 'rules\n', '.claude/settings.json': '{}\n' });
    const sha = await commitConfig(ws, [join(ws, 'CLAUDE.md'), join(ws, '.claude')]);
    expect(sha).not.toBeNull();
    expect(git(ws, 'ls-files').split('\n').sort()).toEqual([
      '.claude/settings.json',
      '.gitignore',
      'CLAUDE.md',
      'a.py',
    ]);
  });
});
