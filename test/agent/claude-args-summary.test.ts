// describeAgentConfig: the words MODEL.md uses for what the agent got.
import { describe, expect, it } from 'vitest';
import { buildClaudeArgs, buildClaudeEnv, describeAgentConfig } from '../../src/agent/claude-args.js';
import type { AgentRunRequest } from '../../src/agent/adapter.js';

const base: AgentRunRequest = {
  workspace: '/w',
  prompt: 'p',
  model: 'm',
  timeoutMs: 1000,
  agentDir: '/a',
  configDir: '/a/config',
  baseEnv: {},
};

describe('describeAgentConfig', () => {
  it('matches the flags and environment the run gets', () => {
    const req: AgentRunRequest = {
      ...base,
      tools: { mode: 'list', names: ['Read', 'Write'] },
      systemPromptMode: 'none',
      mainAgent: 'designer',
      mcpConfigFile: '/a/mcp-config.json',
      thinking: 'low',
    };
    const d = describeAgentConfig(req);
    expect(d['Built-in tools']).toBe('Read, Write (--tools)');
    expect(d['System prompt']).toBe('empty (--system-prompt "")');
    expect(d['MCP servers']).toBe('only those in /a/mcp-config.json (--strict-mcp-config)');
    expect(d.Thinking).toBe(`low (MAX_THINKING_TOKENS=${buildClaudeEnv(req, false).MAX_THINKING_TOKENS})`);
    expect(buildClaudeArgs(req, 'm')).toEqual(expect.arrayContaining(['--agent', 'designer']));
    expect(
      describeAgentConfig({ ...base, tools: { mode: 'none', names: [] }, thinking: 'off' }),
    ).toMatchObject({
      'Built-in tools': 'none (--tools "")',
      'MCP servers': 'none (--strict-mcp-config)',
      Thinking: 'off (CLAUDE_CODE_DISABLE_THINKING=1)',
    });
  });
});
