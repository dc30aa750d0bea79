// `agent_teams: true` gives the Claude Code child CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1 (the original set
// it in settings `env`), and MODEL.md says so; without it the variable is absent, even when inherited.
import { describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { buildClaudeEnv, describeAgentConfig } from '../../src/agent/claude-args.js';

const req = (over: Partial<AgentRunRequest> = {}): AgentRunRequest => ({
  workspace: '/ws',
  prompt: 'p',
  model: 'sonnet',
  timeoutMs: 1000,
  agentDir: '/r/agent',
  configDir: '/r/cfg',
  baseEnv: { PATH: '/bin', CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS: '1' },
  ...over,
});

describe('agent teams', () => {
  it('set the variable only for a subtest that has them', () => {
    expect(buildClaudeEnv(req({ agentTeams: true }), false).CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS).toBe('1');
    // Not allow-listed: the user's own setting never leaks into a subtest without teams.
    expect(buildClaudeEnv(req(), false)).not.toHaveProperty('CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS');
  });

  it('are recorded in MODEL.md', () => {
    expect(describeAgentConfig(req({ agentTeams: true }))['Agent teams']).toBe(
      'on (CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1)',
    );
    expect(describeAgentConfig(req())).not.toHaveProperty('Agent teams');
  });
});
