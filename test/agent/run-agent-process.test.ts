// The agent-process runner with a spec of its own: a new agent CLI is a spec, the runner writes the artefacts.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRunRequest } from '../../src/agent/adapter.js';
import { unchecked } from '../../src/agent/model-probe.js';
import { loadAgentResult } from '../../src/agent/result.js';
import { processAdapter, type AgentProcessSpec } from '../../src/agent/run-agent-process.js';
import { verdict } from '../../src/agent/verdict.js';
import { tmpDir } from '../helpers/tmp.js';

// Prints its version, or writes its prompt argument to answer.txt.
const AGENT = `#!/usr/bin/env bash
if [ "$1" = --version ]; then echo "echo-agent 1.2.3"; exit 0; fi
printf '%s' "$1" > answer.txt
echo "done: $ECHO_MODEL"
`;

const cleanedUp: string[] = [];

const ECHO: AgentProcessSpec = {
  name: 'echo',
  bin: { envVar: 'ECHO_AGENT_BIN' },
  envAllow: ['PATH'],
  model: (requested) => requested.toUpperCase(),
  probe: (model) => unchecked(model, 'echo', 'not checked'),
  launch: (req, { model }) => ({
    args: [req.prompt],
    env: { PATH: req.baseEnv.PATH, ECHO_MODEL: model },
    dirs: [join(req.configDir, 'home')],
    promptArg: 0,
    prepare: () => () => cleanedUp.push(req.agentDir),
    finish: (proc) => ({
      verdict: proc.exitCode === 0 ? verdict.completed() : verdict.agentError(proc.stderr),
      resultText: proc.stdout.trim(),
      usage: { inputTokens: 10, outputTokens: 2, cacheCreationTokens: 0, cacheReadTokens: 0 },
      numTurns: 1,
      cost: { costUsd: 0, costSource: 'none' },
    }),
    modelFile: { flags: [], isolation: { HOME: join(req.configDir, 'home') } },
  }),
};

function request(): AgentRunRequest {
  const dir = tmpDir();
  const bin = join(dir, 'echo-agent');
  writeFileSync(bin, AGENT);
  chmodSync(bin, 0o755);
  return {
    workspace: dir,
    prompt: "it's a prompt\n",
    model: 'small',
    timeoutMs: 10_000,
    agentDir: join(dir, 'agent'),
    configDir: join(dir, 'agent', 'config'),
    baseEnv: { PATH: process.env.PATH, ECHO_AGENT_BIN: bin },
  };
}

describe('processAdapter', () => {
  it('runs the spec: prompt in argv, every artefact, the version in MODEL.md, cleanup after the end', async () => {
    const req = request();
    const r = await processAdapter(ECHO, {}).run(req);
    expect(r).toMatchObject({
      failure: 'completed',
      exitCode: 0,
      resultText: 'done: SMALL',
      cliVersion: '1.2.3',
    });
    expect(readFileSync(join(req.workspace, 'answer.txt'), 'utf8')).toBe(req.prompt);
    expect(loadAgentResult(req.agentDir)).toEqual(r);
    expect(existsSync(join(req.configDir, 'home'))).toBe(true);
    const log = JSON.parse(readFileSync(join(req.agentDir, 'command_log.json'), 'utf8'));
    expect(log.commands[0].command).toEqual([req.baseEnv.ECHO_AGENT_BIN, '$(cat agent/prompt.md)']);
    expect(readFileSync(join(req.agentDir, 'replay.sh'), 'utf8')).toMatch(/echo-agent "\$PROMPT"\n$/);
    const model = readFileSync(join(req.agentDir, 'MODEL.md'), 'utf8');
    expect(model).toContain('- Model: `SMALL` (requested as `small`)');
    expect(model).toContain('- Agent: echo, version: echo-agent 1.2.3');
    expect(cleanedUp).toContain(req.agentDir);
  });

  it('a binary that cannot start is infra_failed for every spec, naming its variable', async () => {
    const req = request();
    const r = await processAdapter(ECHO, { bin: '/nonexistent/echo-agent' }).run(req);
    expect(r.failure).toBe('infra_failed');
    expect(r.errorMessage).toMatch(/"\/nonexistent\/echo-agent".*ENOENT.*ECHO_AGENT_BIN/);
    expect(() => processAdapter(ECHO, {}).preflight({ PATH: '/usr/bin' })).toThrow(/ECHO_AGENT_BIN/);
  });
});
