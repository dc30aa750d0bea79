import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { ensureBaseClone, isLocalRepo } from '../../src/workspace/base-clone.js';
import { isTransientGitError } from '../../src/workspace/transient.js';
import { git, gitdir, writeTree } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** A repo with three commits of `v.txt`; returns the first (pinned, not the tip) and the tip. */
function threeCommits(): { path: string; first: string; tip: string } {
  const { path, commit: first } = gitdir({ 'v.txt': 'one\n' });
  for (const v of ['two', 'three']) {
    writeTree(path, { 'v.txt': `${v}\n` });
    git(path, 'commit', '-q', '-am', v);
  }
  return { path, first, tip: git(path, 'rev-parse', 'HEAD') };
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function gitErrorOf(p: Promise<unknown>): Promise<GitError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GitError);
  return e as GitError;
}

describe('ensureBaseClone', () => {
  it('clones a local path at a pinned commit that is not the tip', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'exp', 'repo');
    const r = await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    expect(r).toEqual({ path: dest, commit: src.first });
    expect(git(dest, 'rev-parse', 'HEAD')).toBe(src.first);
    expect(readFileSync(join(dest, 'v.txt'), 'utf8')).toBe('one\n');
  });

  it('turns off automatic gc and maintenance in the clone (parallel runs commit in its worktrees)', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'exp', 'repo');
    await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    expect(git(dest, 'config', '--local', 'gc.auto')).toBe('0');
    expect(git(dest, 'config', '--local', 'maintenance.auto')).toBe('false');
  });

  it('clones a file:// URL shallowly and fetches a pinned commit that is not the tip', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'repo');
    const r = await ensureBaseClone({ repo: `file://${src.path}`, commit: src.first, dest });
    expect(r.commit).toBe(src.first);
    expect(readFileSync(join(dest, 'v.txt'), 'utf8')).toBe('one\n');
    expect(git(dest, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('resolves an abbreviated sha over file:// (not fetchable by name) to the full sha', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'repo');
    const r = await ensureBaseClone({ repo: `file://${src.path}`, commit: src.first.slice(0, 10), dest });
    expect(r.commit).toBe(src.first);
    expect(readFileSync(join(dest, 'v.txt'), 'utf8')).toBe('one\n');
  });

  it('without a commit checks out the tip and reports its full sha', async () => {
    const src = threeCommits();
    const r = await ensureBaseClone({ repo: src.path, dest: join(tmpDir(), 'repo') });
    expect(r.commit).toBe(src.tip);
  });

  it('reuses an existing clone instead of cloning again', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'repo');
    await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    writeFileSync(join(dest, '.git', 'marker'), 'still here');
    const again = await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    expect(again).toEqual({ path: dest, commit: src.first });
    expect(readFileSync(join(dest, '.git', 'marker'), 'utf8')).toBe('still here');
  });

  it('fails with a GitError naming the repo and the commit for an unknown commit, leaving nothing behind', async () => {
    const src = threeCommits();
    const parent = tmpDir();
    const bogus = 'deadbeef'.repeat(5);
    for (const repo of [src.path, `file://${src.path}`]) {
      const dest = join(parent, 'repo');
      const e = await gitErrorOf(ensureBaseClone({ repo, commit: bogus, dest }));
      expect(e.message).toContain(bogus);
      expect(e.message).toContain(repo);
      expect(readdirSync(parent)).toEqual([]);
    }
  });

  it('recovers from a half-finished clone left by a crashed process', async () => {
    const src = threeCommits();
    const parent = tmpDir();
    const dest = join(parent, 'repo');
    // A crashed clone: a temp sibling of a dead process, and a dest that is only an empty directory.
    const deadPid = 2 ** 22 + 12345;
    const partial = join(parent, `repo.partial-${deadPid}-abcd`);
    mkdirSync(join(partial, '.git', 'objects'), { recursive: true });
    mkdirSync(dest);
    const r = await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    expect(r.commit).toBe(src.first);
    expect(existsSync(partial)).toBe(false);
    expect(readdirSync(parent)).toEqual(['repo']);
  });

  it('recovers from a dest holding only a broken .git', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'repo');
    mkdirSync(join(dest, '.git', 'objects'), { recursive: true });
    const r = await ensureBaseClone({ repo: src.path, commit: src.first, dest });
    expect(git(dest, 'rev-parse', 'HEAD')).toBe(r.commit);
  });

  it('refuses to touch a dest with someone else’s files in it', async () => {
    const src = threeCommits();
    const dest = join(tmpDir(), 'repo');
    mkdirSync(dest);
    writeFileSync(join(dest, 'notes.txt'), 'mine');
    const e = await gitErrorOf(ensureBaseClone({ repo: src.path, dest }));
    expect(e.message).toMatch(/not a clone of/);
    expect(readFileSync(join(dest, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('fails at once, saying what to check, for a path that is not a repository', async () => {
    const notRepo = tmpDir();
    const e = await gitErrorOf(ensureBaseClone({ repo: `file://${notRepo}`, dest: join(tmpDir(), 'repo') }));
    expect(e.message).toMatch(/could not clone .* check that the repository URL or path is right/);
    const missing = await gitErrorOf(
      ensureBaseClone({ repo: join(notRepo, 'nope'), dest: join(tmpDir(), 'r') }),
    );
    expect(missing.message).toMatch(/does not exist/);
  });

  it('retries a refused connection 3 times, then fails naming the attempts; credentials are redacted', async () => {
    const port = await closedPort();
    const repo = `http://user:s3cret@127.0.0.1:${port}/task.git`;
    const started = Date.now();
    const e = await gitErrorOf(
      ensureBaseClone({ repo, dest: join(tmpDir(), 'repo'), retryDelaysMs: [200, 200] }),
    );
    expect(e.message).toMatch(/after 3 attempts \(network error/);
    expect(e.message).toContain('check the network');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(e.message).not.toContain('s3cret');
    expect(e.args.join(' ')).not.toContain('s3cret');
  });
});

describe('transient errors and repo kinds', () => {
  it('classifies git network failures as transient and others not', () => {
    expect(isTransientGitError('fatal: unable to access: Could not resolve host: example.invalid')).toBe(
      true,
    );
    expect(isTransientGitError('error: RPC failed; curl 56 Recv failure: Connection reset by peer')).toBe(
      true,
    );
    expect(isTransientGitError('fatal: early EOF')).toBe(true);
    expect(isTransientGitError("fatal: repository 'x' not found")).toBe(false);
    expect(isTransientGitError('fatal: Authentication failed')).toBe(false);
  });

  it('tells local paths from URLs and scp-like addresses', () => {
    expect(isLocalRepo('/abs/repo')).toBe(true);
    expect(isLocalRepo('rel/repo')).toBe(true);
    expect(isLocalRepo('./a:b')).toBe(true);
    expect(isLocalRepo('file:///abs/repo')).toBe(false);
    expect(isLocalRepo('https://host/x.git')).toBe(false);
    expect(isLocalRepo('git@host:org/x.git')).toBe(false);
  });
});
