// Parent instruction files, the refusal message, --use-user-auth credentials and the agent env without keys.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { buildClaudeEnv } from '../../src/agent/claude-args.js';
import {
  assertNoParentClaudeMd,
  copyUserCredentials,
  findParentClaudeMd,
  parentClaudeMdExcludes,
} from '../../src/agent/isolation.js';
import { AgentError, ConfigError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';

function tree(files: Record<string, string>): string {
  const root = tmpDir('scylla-iso-');
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  mkdirSync(join(root, 'a', 'b', 'results'), { recursive: true });
  return root;
}

describe('findParentClaudeMd', () => {
  it('finds every kind of instruction file Claude Code reads from parents, nearest first', () => {
    for (const f of ['CLAUDE.md', 'CLAUDE.local.md', '.claude/CLAUDE.md', '.claude/rules/style.md']) {
      const root = tree({ [`a/${f}`]: 'x', 'CLAUDE.md': 'farther' });
      expect(findParentClaudeMd(join(root, 'a', 'b', 'results'))).toBe(join(root, 'a', f));
    }
  });

  it('ignores other files and directories named like them', () => {
    const root = tree({
      'a/AGENTS.md': 'x',
      'a/.claude/settings.json': '{}',
      'a/.claude/rules/notes.txt': 'x',
    });
    mkdirSync(join(root, 'a', 'b', 'CLAUDE.md'));
    const found = findParentClaudeMd(join(root, 'a', 'b', 'results'));
    // Anything found must lie above the temp root (a stray file on this machine), never inside it.
    expect(found === null || !found.startsWith(root)).toBe(true);
  });

  it('assertNoParentClaudeMd throws a ConfigError naming the file and the fix', () => {
    const root = tree({ 'a/CLAUDE.md': 'x' });
    const err = (() => {
      try {
        assertNoParentClaudeMd(join(root, 'a', 'b', 'results'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe(join(root, 'a', 'CLAUDE.md'));
    expect((err as Error).message).toMatch(/every parent directory.*Move the results directory/s);
  });

  it('parentClaudeMdExcludes lists the parents of a workspace, not the workspace itself', () => {
    const ex = parentClaudeMdExcludes('/r/exp/T0/00/run_01/workspace');
    expect(ex).toContain('/r/exp/T0/00/run_01/CLAUDE.md');
    expect(ex).toContain('/.claude/rules/**');
    expect(ex).toContain('/r/.claude/CLAUDE.md');
    expect(ex.some((p) => p.startsWith('/r/exp/T0/00/run_01/workspace/'))).toBe(false);
  });
});

describe('--use-user-auth', () => {
  it('copies only the credential file, read-only, and the agent env then carries no API key', () => {
    const home = tree({ '.claude/.credentials.json': '{"oauth":"t"}', '.claude/CLAUDE.md': 'personal' });
    const configDir = join(tmpDir('scylla-cfg-'), 'config');
    mkdirSync(configDir);
    const copy = copyUserCredentials(configDir, { HOME: home });
    expect(copy).toBe(join(configDir, '.credentials.json'));
    expect(readFileSync(copy, 'utf8')).toBe('{"oauth":"t"}');
    expect(statSync(copy).mode & 0o777).toBe(0o400);
    expect(() => readFileSync(join(configDir, 'CLAUDE.md'))).toThrow();
    copyUserCredentials(configDir, { HOME: home }); // a second run of the same dir overwrites its copy
    const req = {
      configDir,
      useUserAuth: true,
      baseEnv: { PATH: '/bin', ANTHROPIC_API_KEY: 'k', ANTHROPIC_AUTH_TOKEN: 't' },
    } as unknown as AgentRunRequest;
    const env = buildClaudeEnv(req, false);
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_AUTH_TOKEN).toBeUndefined();
    expect(env.CLAUDE_CONFIG_DIR).toBe(configDir);
    expect(buildClaudeEnv({ ...req, useUserAuth: false }, false).ANTHROPIC_API_KEY).toBe('k');
  });

  it('a missing credential file is an AgentError naming it', () => {
    const home = tmpDir('scylla-nohome-');
    expect(() => copyUserCredentials(tmpDir('scylla-cfg-'), { HOME: home })).toThrow(AgentError);
    expect(() => copyUserCredentials(tmpDir('scylla-cfg-'), { HOME: home })).toThrow(
      join(home, '.claude', '.credentials.json'),
    );
  });
});
