// The Claude Code adapter against the real CLI (2.1.197) and the scripted model server on 127.0.0.1.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { createClaudeCodeAdapter } from '../../src/agent/claude-code.js';
import { loadAgentResult } from '../../src/agent/result.js';
import { claudeBin, TEST_API_KEY } from '../helpers/claude-env.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelScript, type ModelServer } from '../helpers/model-server.js';
import { tmpDir } from '../helpers/tmp.js';

const WRITE_HELLO: ModelScript = {
  agent: {
    steps: [{ tool: 'Write', input: { file_path: 'hello.py', content: 'print("hi")\n' } }, { text: 'Done' }],
  },
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer(WRITE_HELLO);
});
afterAll(() => server.close());

const adapter = createClaudeCodeAdapter({ bin: claudeBin });

function request(over: Partial<AgentRunRequest> = {}): AgentRunRequest {
  const run = tmpDir('scylla-run-');
  return {
    workspace: gitdir({ 'README.md': '# task\n' }).path,
    prompt: 'Create hello.py that prints "hi".\n',
    model: 'sonnet-4-5',
    timeoutMs: 60_000,
    agentDir: join(run, 'agent'),
    configDir: join(run, 'claude-config'),
    baseEnv: {
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: TEST_API_KEY,
      ANTHROPIC_BASE_URL: server.url,
      SCYLLA_AGENT_MAX_RETRIES: '0',
      CLAUDECODE: '1', // as if Scylla itself ran inside a Claude Code session: must not leak
    },
    ...over,
  };
}

/** Every file below `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Pids of live processes whose cwd is inside `dir`. */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('claude-code adapter (real CLI)', () => {
  it('runs a task: file written, usage, cost, turns, and every artefact, with no key value anywhere', async () => {
    server.setScript(WRITE_HELLO);
    const req = request();
    const r = await adapter.run(req);
    expect(r).toMatchObject({
      failure: 'completed',
      exitCode: 0,
      resultText: 'Done',
      usage: { inputTokens: 2400, outputTokens: 160, cacheCreationTokens: 0, cacheReadTokens: 0 },
      numTurns: 2,
      costSource: 'cli',
      isError: false,
      cliVersion: '2.1.197',
    });
    expect(r.costUsd).toBeCloseTo(0.0096, 8);
    expect(readFileSync(join(req.workspace, 'hello.py'), 'utf8')).toBe('print("hi")\n');
    expect(server.requests.filter((q) => q.kind === 'agent').at(-1)?.model).toBe(
      'claude-sonnet-4-5-20250929',
    );

    for (const f of [
      'stdout.log',
      'stderr.log',
      'prompt.md',
      'result.json',
      'command_log.json',
      'replay.sh',
      'MODEL.md',
      'init.json',
    ]) {
      expect(existsSync(join(req.agentDir, f)), f).toBe(true);
    }
    expect(loadAgentResult(req.agentDir)).toEqual(r);
    expect(readFileSync(join(req.agentDir, 'prompt.md'), 'utf8')).toBe(req.prompt);
    expect(JSON.parse(readFileSync(join(req.agentDir, 'init.json'), 'utf8')).cwd).toBe(req.workspace);
    const model = readFileSync(join(req.agentDir, 'MODEL.md'), 'utf8');
    expect(model).toContain('claude-sonnet-4-5-20250929');
    expect(model).toContain('2.1.197 (Claude Code)');
    expect(model).toContain(req.configDir);
    const log = JSON.parse(readFileSync(join(req.agentDir, 'command_log.json'), 'utf8'));
    expect(log.commands[0].command.slice(0, 3)).toEqual([claudeBin, '$(cat agent/prompt.md)', '--print']);
    expect(log.commands[0].env_vars).toMatchObject({
      ANTHROPIC_API_KEY: '[REDACTED]',
      HOME: join(req.configDir, 'home'),
    });
    expect(log.commands[0].env_vars).not.toHaveProperty('CLAUDECODE');
    for (const f of filesUnder(req.agentDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(TEST_API_KEY);

    // replay.sh re-runs the same command against the server once the key is exported.
    rmSync(join(req.workspace, 'hello.py'));
    const before = server.requests.length;
    // Asynchronously: the server lives in this process.
    await promisify(execFile)('bash', [join(req.agentDir, 'replay.sh')], {
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: TEST_API_KEY },
      timeout: 30_000,
    });
    expect(readFileSync(join(req.workspace, 'hello.py'), 'utf8')).toBe('print("hi")\n');
    expect(server.requests.slice(before).filter((q) => q.kind === 'agent')).toHaveLength(2);
  });

  it('returns rate_limited with the wait the CLI reported when 429s persist', async () => {
    server.setScript({
      ...WRITE_HELLO,
      faults: [
        { request: 1, status: 429, retryAfter: 1 },
        { request: 2, status: 429, retryAfter: 1 },
      ],
    });
    const req = request({ baseEnv: { ...request().baseEnv, SCYLLA_AGENT_MAX_RETRIES: '1' } });
    const r = await adapter.run(req);
    expect(r.failure).toBe('rate_limited');
    expect(r.isError).toBe(true);
    expect(r.rateLimit).toMatchObject({ kind: 'rate_limit', retryAfterMs: 1100 });
    expect(r.rateLimit?.message).toContain('429');
    expect(r.usage.inputTokens).toBe(0);
    expect(existsSync(join(req.workspace, 'hello.py'))).toBe(false);
  });

  it('kills the agent on timeout mid-run, keeping the partial usage and leaving no process behind', async () => {
    server.setScript({ ...WRITE_HELLO, faults: [{ request: 2, delayMs: 60_000 }] });
    const req = request({ timeoutMs: 8000, outputFormat: 'stream-json' });
    const r = await adapter.run(req);
    expect(r.failure).toBe('timed_out');
    expect(r.numTurns).toBe(1);
    expect(r.usage.inputTokens).toBe(1200);
    expect(r.costSource).toBe('price_table');
    expect(r.costUsd).toBeGreaterThan(0);
    expect(existsSync(join(req.workspace, 'hello.py'))).toBe(true); // turn 1 happened
    expect(processesIn(req.workspace)).toEqual([]);
    expect(loadAgentResult(req.agentDir)?.failure).toBe('timed_out');
  });

  it('returns interrupted when aborted', async () => {
    server.setScript({ ...WRITE_HELLO, faults: [{ request: 1, delayMs: 60_000 }] });
    const ac = new AbortController();
    const req = request({ signal: ac.signal });
    setTimeout(() => ac.abort(), 2500);
    const r = await adapter.run(req);
    expect(r.failure).toBe('interrupted');
    expect(processesIn(req.workspace)).toEqual([]);
  });

  it('when aborted or timed out, also kills what its Bash tool started (the CLI gives those their own group)', async () => {
    for (const how of ['abort', 'timeout'] as const) {
      server.setScript({
        agent: { steps: [{ tool: 'Bash', input: { command: 'sleep 300' } }, { text: 'Done.' }] },
      });
      const ac = new AbortController();
      const req = request(how === 'abort' ? { signal: ac.signal } : { timeoutMs: 4000 });
      const sleeping = (async () => {
        for (let i = 0; i < 200; i++) {
          const found = processesIn(req.workspace).some((p) => {
            try {
              return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep\u0000300');
            } catch {
              return false;
            }
          });
          if (found) return true;
          await sleep(50);
        }
        return false;
      })();
      const run = adapter.run(req);
      expect(await sleeping, `${how}: the Bash tool's sleep started`).toBe(true);
      if (how === 'abort') ac.abort();
      const r = await run;
      expect(r.failure).toBe(how === 'abort' ? 'interrupted' : 'timed_out');
      expect(processesIn(req.workspace), how).toEqual([]);
    }
  });

  it('after a normal end, kills what its tools left running in the background in the workspace', async () => {
    server.setScript({
      agent: {
        steps: [
          { tool: 'Bash', input: { command: 'nohup sleep 300 > /dev/null 2>&1 &' } },
          { text: 'Done.' },
        ],
      },
    });
    const req = request();
    const r = await adapter.run(req);
    expect(r.failure).toBe('completed');
    expect(processesIn(req.workspace)).toEqual([]);
  });

  it('passes the tool list and json format through (prompt first, so --tools cannot swallow it)', async () => {
    server.setScript(WRITE_HELLO);
    const before = server.requests.length;
    const req = request({ outputFormat: 'json', tools: { mode: 'list', names: ['Read', 'Write'] } });
    const r = await adapter.run(req);
    expect(r).toMatchObject({ failure: 'completed', numTurns: 2, costSource: 'cli' });
    const first = server.requests.slice(before).find((q) => q.kind === 'agent');
    const tools = (first?.body.tools as { name: string }[]).map((t) => t.name);
    expect(tools).toEqual(['Read', 'Write']);
    expect(existsSync(join(req.agentDir, 'init.json'))).toBe(false); // json format has no init line
  });

  it('reports a missing binary as infra_failed, naming it and how to set it', async () => {
    const req = request();
    const r = await createClaudeCodeAdapter({ bin: '/nonexistent/claude' }).run(req);
    expect(r.failure).toBe('infra_failed');
    expect(r.errorMessage).toMatch(/\/nonexistent\/claude.*ENOENT.*SCYLLA_CLAUDE_BIN/);
    expect(loadAgentResult(req.agentDir)?.failure).toBe('infra_failed');
    expect(readFileSync(join(req.agentDir, 'MODEL.md'), 'utf8')).toContain('version: unknown');
  });
});
