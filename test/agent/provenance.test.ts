// Provenance artefacts: shell quoting, replay.sh (no secrets, exact argv), command log, result.json reload.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  shellQuote,
  writeCommandLog,
  writePromptFile,
  writeReplayScript,
} from '../../src/agent/provenance.js';
import { loadAgentResult, type AgentResult } from '../../src/agent/result.js';
import { writeJsonAtomic } from '../../src/util/atomic-write.js';
import { tmpDir } from '../helpers/tmp.js';

const NASTY = [
  '',
  'plain',
  "it's",
  'a b',
  '$HOME',
  '`id`',
  '"q"',
  'back\\slash',
  'new\nline',
  '!bang',
  '*',
  '-- x',
];

describe('shellQuote', () => {
  it('round-trips any string through bash', () => {
    const script = `printf '%s\\0' ${NASTY.map(shellQuote).join(' ')}`;
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(NASTY);
  });
});

describe('replay.sh and command_log.json', () => {
  it('re-runs the exact argv and prompt in the workspace, without any secret value', () => {
    const dir = tmpDir();
    const agentDir = join(dir, 'agent');
    const ws = join(dir, 'ws dir');
    execFileSync('mkdir', ['-p', ws, agentDir]);
    // A fake agent that records its argv, cwd and environment.
    const bin = join(dir, 'fake-agent.sh');
    writeFileSync(
      bin,
      `#!/usr/bin/env bash\nprintf '%s\\0' "$PWD" "$MY_VAR" "\${ANTHROPIC_API_KEY:-unset}" "$@" > "${dir}/seen"\n`,
    );
    chmodSync(bin, 0o755);
    const prompt = `Fix "it's" $HOME \`id\`\nsecond line\\\n\n`;
    writePromptFile(agentDir, prompt);
    const rec = {
      bin,
      args: [prompt, '--tools', '', '--model', 'x y'],
      promptIndex: 0,
      cwd: ws,
      env: {
        PATH: process.env.PATH,
        MY_VAR: "va'l ue",
        ANTHROPIC_API_KEY: 'sk-very-secret-123',
        GH_TOKEN: 'ghp_abc',
      },
      startedAt: new Date(),
      exitCode: 0,
      durationMs: 1234,
    };
    writeReplayScript(agentDir, rec);
    writeCommandLog(agentDir, rec);
    const replay = readFileSync(join(agentDir, 'replay.sh'), 'utf8');
    const log = readFileSync(join(agentDir, 'command_log.json'), 'utf8');
    for (const text of [replay, log]) {
      expect(text).not.toContain('sk-very-secret-123');
      expect(text).not.toContain('ghp_abc');
    }
    expect(replay).toContain('set -euo pipefail');
    expect(replay).toContain('# export ANTHROPIC_API_KEY=...');
    expect(replay).toContain(`cat "${agentDir}/prompt.md"`);
    const entry = JSON.parse(log).commands[0];
    expect(entry.command).toEqual([bin, '$(cat agent/prompt.md)', '--tools', '', '--model', 'x y']);
    expect(entry.env_vars).toMatchObject({
      ANTHROPIC_API_KEY: '[REDACTED]',
      GH_TOKEN: '[REDACTED]',
      MY_VAR: "va'l ue",
    });
    expect(entry).toMatchObject({
      cwd: ws,
      exit_code: 0,
      duration_seconds: 1.234,
      stdout_file: 'stdout.log',
    });

    execFileSync('bash', [join(agentDir, 'replay.sh')], {
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'k2' },
    });
    const seen = readFileSync(join(dir, 'seen'), 'utf8').split('\0').slice(0, -1);
    expect(seen).toEqual([ws, "va'l ue", 'k2', prompt, '--tools', '', '--model', 'x y']);
  });
});

describe('loadAgentResult', () => {
  const ok: AgentResult = {
    failure: 'completed',
    exitCode: 0,
    durationMs: 5,
    resultText: 'Done',
    usage: { inputTokens: 1, outputTokens: 2, cacheCreationTokens: 0, cacheReadTokens: 0 },
    numTurns: 1,
    costUsd: 0.1,
    costSource: 'cli',
    isError: false,
  };

  it('loads a valid result and rejects missing, partial and invalid ones', () => {
    const dir = tmpDir();
    expect(loadAgentResult(dir)).toBeNull();
    writeJsonAtomic(join(dir, 'result.json'), ok);
    expect(loadAgentResult(dir)).toEqual(ok);
    const text = readFileSync(join(dir, 'result.json'), 'utf8');
    writeFileSync(join(dir, 'result.json'), text.slice(0, text.length / 2));
    expect(loadAgentResult(dir)).toBeNull();
    writeJsonAtomic(join(dir, 'result.json'), { ...ok, failure: 'success' });
    expect(loadAgentResult(dir)).toBeNull();
    writeJsonAtomic(join(dir, 'result.json'), { ...ok, usage: undefined });
    expect(loadAgentResult(dir)).toBeNull();
  });
});
