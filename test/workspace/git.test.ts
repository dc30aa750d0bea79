import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { captureDiff, commitAgentChanges } from '../../src/workspace/diff.js';
import { gitSafeEnv, redactUrl, runGit } from '../../src/workspace/git.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

describe('runGit', () => {
  it('returns output, throws GitError on failure, or returns the exit code with allowFail', async () => {
    const { path, commit } = gitdir({ 'a.txt': 'a\n' });
    expect((await runGit(path, ['rev-parse', 'HEAD'])).stdout.trim()).toBe(commit);
    await expect(runGit(path, ['rev-parse', '--verify', 'nope'])).rejects.toThrow(GitError);
    const r = await runGit(path, ['rev-parse', '--verify', '--quiet', 'nope'], { allowFail: true });
    expect(r.exitCode).toBe(1);
    const viaStdin = (await runGit(path, ['hash-object', '--stdin'], { input: 'a\n' })).stdout.trim();
    expect(viaStdin).toBe(git(path, 'rev-parse', 'HEAD:a.txt'));
  });

  it('names a missing working directory instead of blaming the git install', async () => {
    await expect(runGit(join(tmpDir(), 'gone'), ['status'])).rejects.toThrow(/does not exist/);
  });

  it('redacts credentials in URLs', () => {
    expect(redactUrl("fatal: 'https://me:tok3n@host/x.git' not found")).toBe(
      "fatal: 'https://***@host/x.git' not found",
    );
  });
});

describe("the user's git configuration does not apply", () => {
  const saved = { ...process.env };
  let home: string;

  beforeEach(() => {
    // A hostile user setup: global hooks that fail, another identity, a global ignore of *.py,
    // signing on, and GIT_DIR / GIT_INDEX_FILE leaking from a surrounding git hook.
    home = tmpDir('scylla-home-');
    const hooks = join(home, 'hooks');
    mkdirSync(hooks);
    for (const h of ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-checkout']) {
      writeFileSync(join(hooks, h), '#!/bin/sh\necho "user hook ran" >&2\nexit 1\n');
      chmodSync(join(hooks, h), 0o755);
    }
    writeFileSync(join(home, 'ignore'), '*.py\n');
    writeFileSync(
      join(home, '.gitconfig'),
      `[core]\n\thooksPath = ${hooks}\n\texcludesFile = ${join(home, 'ignore')}\n` +
        '[user]\n\tname = Mallory\n\temail = mallory@example.invalid\n[commit]\n\tgpgsign = true\n',
    );
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = join(home, '.config');
    process.env.GIT_CONFIG_GLOBAL = join(home, '.gitconfig');
    process.env.GIT_DIR = join(home, 'not-a-repo');
    process.env.GIT_INDEX_FILE = join(home, 'index');
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('a plain git commit under this setup fails (the setup is effective)', () => {
    const { path } = gitdir({ 'a.txt': 'a\n' });
    writeFileSync(join(path, 'b.txt'), 'b\n');
    const { GIT_DIR: _d, GIT_INDEX_FILE: _i, ...userEnv } = process.env;
    execFileSync('git', ['add', '-A'], { cwd: path, env: userEnv });
    expect(() =>
      execFileSync('git', ['commit', '-qm', 'x'], { cwd: path, env: userEnv, stdio: 'pipe' }),
    ).toThrow(/user hook ran/);
  });

  it('our commits succeed, are authored by Scylla, and see files the user ignores globally', async () => {
    const { path, commit } = gitdir({ 'a.txt': 'a\n' });
    // A failing hook inside the repository itself is ignored too (this one --no-verify does not skip).
    writeFileSync(join(path, '.git', 'hooks', 'prepare-commit-msg'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(path, '.git', 'hooks', 'prepare-commit-msg'), 0o755);
    writeFileSync(join(path, 'new.py'), 'print(1)\n');
    const sha = await commitAgentChanges(path, 'agent work');
    expect(sha).not.toBeNull();
    const env = gitSafeEnv();
    const show = execFileSync('git', ['log', '-1', '--format=%an <%ae>|%cn <%ce>|%G?', sha!], {
      cwd: path,
      env,
    });
    expect(show.toString().trim()).toBe('Scylla <scylla@localhost>|Scylla <scylla@localhost>|N');
    expect((await captureDiff(path, commit)).files.map((f) => f.path)).toEqual(['new.py']);
  });

  it('gitSafeEnv passes an allow-list only', () => {
    process.env.ANTHROPIC_API_KEY = 'sk-secret';
    process.env.PATH = '/usr/bin:/bin';
    const env = gitSafeEnv();
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_INDEX_FILE).toBeUndefined();
    expect(env.HOME).not.toBe(home);
    expect(env.PATH).toBe('/usr/bin:/bin');
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
  });
});
