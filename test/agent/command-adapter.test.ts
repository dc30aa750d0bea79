// The generic command adapter: any executable, prompt on stdin, usage from its last JSON stdout line.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { createCommandAdapter } from '../../src/agent/command-adapter.js';
import { agentAdapters } from '../../src/agent/registry.js';
import { loadAgentResult } from '../../src/agent/result.js';
import { tmpDir } from '../helpers/tmp.js';

const AGENT = `#!/usr/bin/env bash
prompt="$(cat)"
case "$1" in
  ok) printf '%s' "$prompt" > answer.txt
      echo "working on it"
      echo '{"usage":{"input_tokens":1000,"output_tokens":100},"result":"wrote answer.txt","num_turns":3}' ;;
  paid) echo '{"usage":{"input_tokens":5},"cost_usd":0.25}' ;;
  limited) echo 'Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}' >&2; exit 1 ;;
  broken) echo 'mentions 429 in passing' >&2; exit 3 ;;
  slow) sleep 30 ;;
esac
`;

function setup(mode: string, over: Partial<AgentRunRequest> = {}): AgentRunRequest {
  const dir = tmpDir();
  const bin = join(dir, 'agent.sh');
  writeFileSync(bin, AGENT);
  chmodSync(bin, 0o755);
  return {
    workspace: dir,
    prompt: 'Say "hi"\n',
    model: 'claude-haiku-4-5',
    timeoutMs: 10_000,
    agentDir: join(dir, 'agent'),
    configDir: join(dir, 'cfg'),
    baseEnv: { PATH: process.env.PATH, SCYLLA_AGENT_BIN: bin, OPENAI_API_KEY: 'sk-openai-secret' },
    extraArgs: [mode],
    ...over,
  };
}

describe('command adapter', () => {
  it('is registered by name', () => {
    expect(agentAdapters.command().name).toBe('command');
    expect(agentAdapters['claude-code']().name).toBe('claude-code');
  });

  it('feeds the prompt on stdin and prices the reported usage', async () => {
    const req = setup('ok');
    const r = await createCommandAdapter().run(req);
    expect(readFileSync(join(req.workspace, 'answer.txt'), 'utf8')).toBe('Say "hi"\n'.trimEnd());
    expect(r).toMatchObject({
      failure: 'completed',
      exitCode: 0,
      resultText: 'wrote answer.txt',
      usage: { inputTokens: 1000, outputTokens: 100 },
      numTurns: 3,
      costSource: 'price_table',
    });
    expect(r.costUsd).toBeCloseTo(0.0015, 10); // haiku 4.5: $1 in, $5 out per million
    expect(loadAgentResult(req.agentDir)).toEqual(r);
    const replay = readFileSync(join(req.agentDir, 'replay.sh'), 'utf8');
    expect(replay).toContain(`< ${join(req.agentDir, 'prompt.md')}`);
    expect(replay).not.toContain('sk-openai-secret');
  });

  it("uses the agent's own cost when it reports one", async () => {
    expect(await createCommandAdapter().run(setup('paid'))).toMatchObject({
      costUsd: 0.25,
      costSource: 'cli',
    });
  });

  it('tells a rate limit from an ordinary failure and a timeout', async () => {
    const limited = await createCommandAdapter().run(setup('limited'));
    expect(limited).toMatchObject({ failure: 'rate_limited', rateLimit: { kind: 'rate_limit' } });
    const broken = await createCommandAdapter().run(setup('broken'));
    expect(broken).toMatchObject({ failure: 'agent_error', exitCode: 3 });
    const slow = await createCommandAdapter().run(setup('slow', { timeoutMs: 300 }));
    expect(slow.failure).toBe('timed_out');
  });
});
