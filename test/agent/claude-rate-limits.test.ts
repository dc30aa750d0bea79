// Rate-limit classification end to end with the real Claude Code CLI (2.1.197): 529 overloaded, a usage
// cap with a reset time, and a model answer that merely talks about 429s (issue 8, "Done when").
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { createClaudeCodeAdapter } from '../../src/agent/claude-code.js';
import { claudeBin, TEST_API_KEY } from '../helpers/claude-env.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelScript, type ModelServer } from '../helpers/model-server.js';
import { tmpDir } from '../helpers/tmp.js';

const servers: ModelServer[] = [];
// After the file, not after each test: the tests run concurrently.
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const adapter = createClaudeCodeAdapter({ bin: claudeBin });

async function run(script: ModelScript): Promise<Awaited<ReturnType<typeof adapter.run>>> {
  const server = await startModelServer(script);
  servers.push(server);
  const dir = tmpDir('scylla-rl-run-');
  const req: AgentRunRequest = {
    workspace: gitdir({ 'README.md': '# task\n' }).path,
    prompt: 'Fix the bug.\n',
    model: 'sonnet-4-5',
    timeoutMs: 60_000,
    agentDir: join(dir, 'agent'),
    configDir: join(dir, 'agent', 'config'),
    baseEnv: {
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: TEST_API_KEY,
      ANTHROPIC_BASE_URL: server.url,
      SCYLLA_AGENT_MAX_RETRIES: '0',
    },
  };
  return adapter.run(req);
}

describe.concurrent('rate limits through the real CLI', () => {
  it('529 overloaded is rate_limited (overloaded) with the default wait', async () => {
    const r = await run({ faults: [{ request: 1, status: 529 }] });
    expect(r.failure).toBe('rate_limited');
    expect(r.rateLimit).toMatchObject({ kind: 'overloaded', retryAfterMs: 60_000 });
  });

  it('"hit your limit · resets 3pm (America/Los_Angeles)" is a usage cap waiting until 3pm there', async () => {
    const message = "You've hit your limit · resets 3pm (America/Los_Angeles)";
    const before = Date.now();
    const r = await run({ faults: [{ request: 1, status: 429, message }] });
    expect(r.failure).toBe('rate_limited');
    expect(r.rateLimit?.kind).toBe('usage_cap');
    // The next 3pm in Los Angeles, plus the 10 % margin: between 0 and 24 h × 1.1 away, and exact to the minute.
    const wait = r.rateLimit!.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(24 * 3600_000 * 1.1);
    const la = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    const [h, m] = la
      .format(new Date(before + wait / 1.1))
      .split(':')
      .map(Number);
    expect(h * 60 + m).toBeGreaterThanOrEqual(14 * 60 + 59);
    expect(h * 60 + m).toBeLessThanOrEqual(15 * 60 + 1);
  });

  it('an answer that merely mentions "429" and "rate limit" is completed', async () => {
    const text = 'Fixed: the client now retries on HTTP 429 (rate limit exceeded, API Error: 429 in logs).';
    const r = await run({ agent: { steps: [{ text }] } });
    expect(r).toMatchObject({ failure: 'completed', resultText: text, isError: false });
    expect(r.rateLimit).toBeUndefined();
  });
});
