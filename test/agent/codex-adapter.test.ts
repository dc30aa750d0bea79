// The Codex CLI adapter against the real @openai/codex (0.169.0) and the scripted model server on 127.0.0.1.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { createCodexAdapter } from '../../src/agent/codex.js';
import { loadAgentResult } from '../../src/agent/result.js';
import { agentAdapters } from '../../src/agent/registry.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelScript, type ModelServer } from '../helpers/model-server.js';
import { tmpDir } from '../helpers/tmp.js';

const codexBin = fileURLToPath(new URL('../../node_modules/.bin/codex', import.meta.url));
const KEY = 'sk-codex-test-value-7f3a9c';
const PATCH = '*** Begin Patch\n*** Add File: hello.py\n+print("hi")\n*** End Patch\n';
const USAGE = {
  input_tokens: 1000,
  output_tokens: 50,
  cache_read_input_tokens: 300,
  cache_creation_input_tokens: 0,
};

const HELLO: ModelScript = {
  agent: {
    steps: [
      { tool: 'exec_command', input: { cmd: 'echo started > notes.txt' } },
      { tool: 'apply_patch', input: { patch: PATCH } },
      { text: 'Created hello.py.' },
    ],
    usage: USAGE,
  },
};

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(script: ModelScript): Promise<ModelServer> {
  const s = await startModelServer(script);
  servers.push(s);
  return s;
}

const adapter = createCodexAdapter({ bin: codexBin });

function request(server: ModelServer, over: Partial<AgentRunRequest> = {}): AgentRunRequest {
  const run = tmpDir('scylla-codex-run-');
  return {
    workspace: gitdir({ 'README.md': '# task\n' }).path,
    prompt: 'Create hello.py that prints "hi".\n',
    model: 'gpt-5.5',
    timeoutMs: 30_000,
    agentDir: join(run, 'agent'),
    configDir: join(run, 'agent', 'config'),
    baseEnv: { PATH: process.env.PATH, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.url, CLAUDECODE: '1' },
    ...over,
  };
}

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

describe('codex adapter (real CLI)', () => {
  it('is registered as --agent codex', () => {
    expect(agentAdapters.codex?.({ bin: codexBin }).name).toBe('codex');
  });

  it('runs a task: shell command and apply_patch write files, usage and artefacts, no key value anywhere', async () => {
    const server = await serve(HELLO);
    const req = request(server);
    const r = await adapter.run(req);
    expect(r, r.errorMessage).toMatchObject({
      failure: 'completed',
      exitCode: 0,
      isError: false,
      resultText: 'Created hello.py.',
      // 3 requests of 1000 uncached + 300 cached input and 50 output each
      usage: { inputTokens: 3000, outputTokens: 150, cacheReadTokens: 900, cacheCreationTokens: 0 },
      numTurns: 3,
      cliVersion: '0.169.0',
    });
    expect(readFileSync(join(req.workspace, 'hello.py'), 'utf8')).toBe('print("hi")\n');
    expect(readFileSync(join(req.workspace, 'notes.txt'), 'utf8')).toBe('started\n');
    expect(server.requests.map((q) => [q.kind, q.path, q.status, q.model, q.cwd])).toEqual(
      [1, 2, 3].map(() => ['agent', '/v1/responses', 200, 'gpt-5.5', req.workspace]),
    );
    expect(server.requests[0].headers.authorization).toBe('[redacted]');
    expect(loadAgentResult(req.agentDir)).toEqual(r);
    const model = readFileSync(join(req.agentDir, 'MODEL.md'), 'utf8');
    expect(model).toContain('codex-cli 0.169.0');
    expect(model).toContain('`gpt-5.5`');
    expect(model).toContain('CODEX_HOME');
    const log = JSON.parse(readFileSync(join(req.agentDir, 'command_log.json'), 'utf8'));
    expect(log.commands[0].command.slice(1, 3)).toEqual(['exec', '--json']);
    expect(log.commands[0].env_vars).toMatchObject({ OPENAI_API_KEY: '[REDACTED]' });
    expect(log.commands[0].env_vars.CLAUDECODE).toBeUndefined();
    const toml = readFileSync(join(req.configDir, 'codex-home', 'config.toml'), 'utf8');
    expect(toml).toContain(`base_url = "${server.url}/v1"`);
    expect(toml).toContain('stream_max_retries = 0');
    for (const f of filesUnder(join(req.agentDir, '..'))) {
      expect(readFileSync(f).includes(KEY), `key value in ${f}`).toBe(false);
    }

    // replay.sh re-runs the same command from the worktree against the same server.
    rmSync(join(req.workspace, 'hello.py'));
    const before = server.requests.length;
    // execFile leaves stdin an open pipe: replay.sh must close it itself or Codex hangs.
    await promisify(execFile)('bash', [join(req.agentDir, 'replay.sh')], {
      env: { PATH: process.env.PATH, OPENAI_API_KEY: KEY },
      timeout: 20_000,
    });
    expect(readFileSync(join(req.workspace, 'hello.py'), 'utf8')).toBe('print("hi")\n');
    expect(server.requests.length - before).toBe(3);
    expect(JSON.stringify(server.requests.at(-1)!.body)).toContain('Create hello.py that prints');
  });

  it('a 429 is rate_limited at once (no retry ladder), with the default wait', async () => {
    const server = await serve({ ...HELLO, faults: [{ request: 1, status: 429, retryAfter: 7 }] });
    const r = await adapter.run(request(server));
    expect(r).toMatchObject({ failure: 'rate_limited', exitCode: 1, isError: true });
    expect(r.rateLimit).toMatchObject({ kind: 'rate_limit', retryAfterMs: 60_000 });
    expect(r.rateLimit?.message).toMatch(/429 Too Many Requests/);
    expect(server.requests).toHaveLength(1);
  });

  it('a model answer that merely mentions "429 Too Many Requests" is completed', async () => {
    const server = await serve({
      agent: { steps: [{ text: 'Fixed the 429 Too Many Requests rate limit bug.' }] },
    });
    const r = await adapter.run(request(server, { prompt: '-starts like a flag' }));
    expect(r).toMatchObject({
      failure: 'completed',
      resultText: 'Fixed the 429 Too Many Requests rate limit bug.',
    });
  });

  it('an unreachable model server is infra_failed, not a result', async () => {
    const server = await serve(HELLO);
    const req = request(server);
    await server.close();
    const r = await adapter.run(req);
    expect(r.failure).toBe('infra_failed');
    expect(r.errorMessage).toMatch(/cannot be reached/);
    // stopped at once instead of waiting for the timeout (Codex would wait for the network forever)
    expect(r.durationMs).toBeLessThan(15_000);
  });

  it('a missing binary is infra_failed', async () => {
    const server = await serve(HELLO);
    const req = request(server);
    const r = await createCodexAdapter({ bin: '/nonexistent/codex' }).run(req);
    expect(r).toMatchObject({ failure: 'infra_failed', exitCode: null });
    expect(r.errorMessage).toMatch(/cannot start agent binary "\/nonexistent\/codex"/);
    expect(existsSync(join(req.agentDir, 'result.json'))).toBe(true);
  });

  it('a timeout kills the wrapper and its native child (the whole process group)', async () => {
    const server = await serve({ ...HELLO, faults: [{ request: 2, delayMs: 20_000 }] });
    const req = request(server, { timeoutMs: 6000 });
    const r = await adapter.run(req);
    expect(r.failure).toBe('timed_out');
    expect(r.numTurns).toBe(1); // the shell command of the first answer was seen before the kill
    expect(processesIn(req.workspace)).toEqual([]);
  });
});
