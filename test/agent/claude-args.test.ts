// The Claude Code command line and child environment, and the env helpers they use.
import { describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { buildClaudeArgs, buildClaudeEnv } from '../../src/agent/claude-args.js';
import { buildChildEnv, redactEnv } from '../../src/util/env.js';

const req = (over: Partial<AgentRunRequest> = {}): AgentRunRequest => ({
  workspace: '/ws',
  prompt: 'Create hello.py',
  model: 'sonnet',
  timeoutMs: 1000,
  agentDir: '/r/agent',
  configDir: '/r/cfg',
  baseEnv: {
    PATH: '/bin',
    ANTHROPIC_API_KEY: 'sk-live-1',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    AWS_REGION: 'us-east-1',
    CLAUDECODE: '1',
    CLAUDE_CODE_ENTRYPOINT: 'cli',
    ANTHROPIC_MODEL: 'claude-opus-4-1',
    OPENAI_API_KEY: 'sk-openai',
    SOME_RANDOM: 'x',
  },
  ...over,
});

describe('buildClaudeArgs', () => {
  it('puts the prompt first and isolates MCP even without a config file', () => {
    expect(buildClaudeArgs(req(), 'claude-sonnet-4-5-20250929')).toEqual([
      'Create hello.py',
      '--print',
      '--output-format',
      'stream-json',
      '--verbose',
      '--dangerously-skip-permissions',
      '--model',
      'claude-sonnet-4-5-20250929',
      '--strict-mcp-config',
    ]);
  });

  it('maps tools, turns, system prompt, agent, MCP file and extra args', () => {
    const args = buildClaudeArgs(
      req({
        outputFormat: 'json',
        maxTurns: 5,
        tools: { mode: 'list', names: ['Read', 'Write', 'Skill'] },
        systemPromptMode: 'none',
        mainAgent: 'reviewer',
        mcpConfigFile: '/r/mcp.json',
        extraArgs: ['--effort', 'high'],
      }),
      'm',
    );
    expect(args[0]).toBe('Create hello.py');
    expect(args).not.toContain('--verbose');
    expect(args.join(' ')).toContain(
      '--max-turns 5 --tools Read,Write,Skill --system-prompt  --agent reviewer',
    );
    expect(args.slice(-5)).toEqual([
      '--mcp-config',
      '/r/mcp.json',
      '--strict-mcp-config',
      '--effort',
      'high',
    ]);
    const none = buildClaudeArgs(req({ tools: { mode: 'none', names: [] } }), 'm');
    expect(none[none.indexOf('--tools') + 1]).toBe('');
    expect(buildClaudeArgs(req({ tools: { mode: 'all', names: [] } }), 'm')).not.toContain('--tools');
  });
});

describe('buildClaudeEnv', () => {
  it('passes only allow-listed variables plus isolation settings', () => {
    const env = buildClaudeEnv(req({ thinking: 'high' }), true);
    expect(env).toMatchObject({
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'sk-live-1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      HOME: '/r/cfg/home',
      CLAUDE_CONFIG_DIR: '/r/cfg',
      CLAUDE_CODE_TMPDIR: '/r/cfg/tmp',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_MAX_RETRIES: '1',
      IS_SANDBOX: '1',
      MAX_THINKING_TOKENS: '16000',
    });
    for (const k of [
      'CLAUDECODE',
      'CLAUDE_CODE_ENTRYPOINT',
      'ANTHROPIC_MODEL',
      'OPENAI_API_KEY',
      'SOME_RANDOM',
    ]) {
      expect(env).not.toHaveProperty(k);
    }
  });

  it('sets IS_SANDBOX only as root, reads SCYLLA_AGENT_MAX_RETRIES, and can turn thinking off', () => {
    const base = { ...req().baseEnv, SCYLLA_AGENT_MAX_RETRIES: '0' };
    const env = buildClaudeEnv(req({ baseEnv: base, thinking: 'off' }), false);
    expect(env).not.toHaveProperty('IS_SANDBOX');
    expect(env.CLAUDE_CODE_MAX_RETRIES).toBe('0');
    expect(env.CLAUDE_CODE_DISABLE_THINKING).toBe('1');
    expect(env).not.toHaveProperty('MAX_THINKING_TOKENS');
    expect(buildClaudeEnv(req({ thinking: 'max' }), false).MAX_THINKING_TOKENS).toBe('31999');
  });
});

describe('env helpers', () => {
  it('buildChildEnv supports prefix entries and lets extra remove keys', () => {
    expect(buildChildEnv({ A: '1', AWS_X: '2', B: '3' }, ['A', 'AWS_*'], { A: undefined, C: '4' })).toEqual({
      AWS_X: '2',
      C: '4',
    });
  });

  it('redactEnv hides secret values and proxy credentials', () => {
    expect(
      redactEnv({
        ANTHROPIC_API_KEY: 'sk-1',
        AWS_SESSION_TOKEN: 't',
        DB_PASSWORD: 'p',
        MY_SECRET: 's',
        HTTPS_PROXY: 'http://user:pw@proxy:3128',
        PATH: '/bin',
      }),
    ).toEqual({
      ANTHROPIC_API_KEY: '[REDACTED]',
      AWS_SESSION_TOKEN: '[REDACTED]',
      DB_PASSWORD: '[REDACTED]',
      MY_SECRET: '[REDACTED]',
      HTTPS_PROXY: 'http://[REDACTED]@proxy:3128',
      PATH: '/bin',
    });
  });
});
