import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertRunnable, defaultAgentBin } from '../../src/agent/agent-bin.js';
import { AgentError } from '../../src/errors.js';
import { findExecutable } from '../../src/util/which.js';
import { tmpDir } from '../helpers/tmp.js';

const OWN_BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));

function binDir(files: Record<string, number>): string {
  const dir = tmpDir('scylla-bin-');
  for (const [name, mode] of Object.entries(files)) writeFileSync(join(dir, name), '#!/bin/sh\n', { mode });
  return dir;
}

describe('findExecutable', () => {
  it('searches PATH for a bare name and skips non-executable files and directories', () => {
    const a = binDir({ tool: 0o644 });
    mkdirSync(join(a, 'dir-tool'));
    const b = binDir({ tool: 0o755, 'dir-tool': 0o755 });
    const env = { PATH: `${a}:${b}` };
    expect(findExecutable('tool', env)).toBe(join(b, 'tool'));
    expect(findExecutable('dir-tool', env)).toBe(join(b, 'dir-tool'));
    expect(findExecutable('absent', env)).toBeNull();
    expect(findExecutable('tool', {})).toBeNull();
  });

  it('resolves a command with a slash against the given directory, not PATH', () => {
    const dir = binDir({ agent: 0o755 });
    expect(findExecutable('./agent', { PATH: '' }, dir)).toBe(join(dir, 'agent'));
    expect(findExecutable(join(dir, 'agent'), { PATH: '' })).toBe(join(dir, 'agent'));
    expect(findExecutable('./agent', { PATH: dir }, tmpDir())).toBeNull();
  });
});

describe('defaultAgentBin', () => {
  it('prefers the name on PATH, else the CLI installed with Scylla, else the bare name', () => {
    const onPath = binDir({ claude: 0o755 });
    expect(defaultAgentBin('claude', { PATH: onPath })).toBe('claude');
    expect(defaultAgentBin('claude', { PATH: '/usr/bin:/bin' })).toBe(join(OWN_BIN, 'claude'));
    expect(defaultAgentBin('codex', { PATH: '/usr/bin:/bin' })).toBe(join(OWN_BIN, 'codex'));
    expect(defaultAgentBin('no-such-agent', { PATH: '/usr/bin:/bin' })).toBe('no-such-agent');
  });

  it('assertRunnable names the missing binary and the fix', () => {
    expect(() => assertRunnable('no-such-agent', { PATH: '/usr/bin' }, 'use --agent-bin')).toThrow(
      AgentError,
    );
    expect(() => assertRunnable('no-such-agent', { PATH: '/usr/bin' }, 'use --agent-bin')).toThrow(
      /"no-such-agent" is not on PATH \(use --agent-bin\)/,
    );
    expect(() => assertRunnable('sh', { PATH: '/usr/bin:/bin' }, 'x')).not.toThrow();
  });
});
