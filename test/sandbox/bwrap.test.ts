// The bubblewrap sandbox with real processes: what a sandboxed command can read and write, how it
// ends, and that a sandbox which cannot start is reported as such (an infrastructure failure).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bwrapProvider } from '../../src/sandbox/bwrap.js';
import { chooseSandbox } from '../../src/sandbox/registry.js';
import type { SandboxPolicy } from '../../src/sandbox/sandbox.js';
import { SandboxError } from '../../src/errors.js';
import { runProcess, type CommandWrapper } from '../../src/util/process.js';
import { tmpDir } from '../helpers/tmp.js';

/** Pids of group `pgid` that are not zombies. */
function liveMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === pgid && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

const available = (await bwrapProvider.probe(process.env)) === null;

function world() {
  const root = tmpDir('scylla-bwrap-');
  const ws = join(root, 'exp', 'run_01', 'workspace');
  const secret = join(root, 'exp', 'criteria.md');
  const tools = join(root, 'tools');
  mkdirSync(ws, { recursive: true });
  mkdirSync(join(tools, 'hidden-case'), { recursive: true });
  writeFileSync(secret, 'SECRET\n');
  writeFileSync(join(tools, 'tool.txt'), 'tool\n');
  writeFileSync(join(tools, 'hidden-case', 'criteria.md'), 'SECRET\n');
  const policy: SandboxPolicy = {
    writable: [ws],
    readOnly: [tools],
    hidden: [join(root, 'exp'), join(tools, 'hidden-case')],
    homes: [],
    network: 'open',
  };
  return { root, ws, secret, tools, sandbox: bwrapProvider.create(policy, process.env) };
}

const sh = (sandbox: CommandWrapper, cwd: string, script: string, timeoutMs?: number) =>
  runProcess({ cmd: 'bash', args: ['-c', script], cwd, env: process.env, sandbox, timeoutMs });

describe.skipIf(!available)('bwrap sandbox', () => {
  it('reads the system and the tools, writes only the workspace and a private /tmp, sees nothing hidden', async () => {
    const w = world();
    const r = await sh(
      w.sandbox,
      w.ws,
      `cat ${w.tools}/tool.txt; cat ${w.secret} || echo no-secret; cat ${w.tools}/hidden-case/criteria.md || echo no-case
       echo ok > mine.txt; echo x > /tmp/private-${process.pid} && echo tmp-ok
       echo x > ${w.tools}/new.txt 2>/dev/null || echo ro-tools; git --version >/dev/null && echo git-ok`,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'tool',
      'no-secret',
      'no-case',
      'tmp-ok',
      'ro-tools',
      'git-ok',
      '',
    ]);
    expect(existsSync(join(w.ws, 'mine.txt'))).toBe(true);
    expect(existsSync(`/tmp/private-${process.pid}`)).toBe(false);
    expect(existsSync(join(w.tools, 'new.txt'))).toBe(false);
  });

  it('keeps no capability: a read-only bind cannot be remounted writable', async () => {
    const w = world();
    const r = await sh(
      w.sandbox,
      w.ws,
      `mount -o remount,bind,rw ${w.tools} 2>/dev/null && echo REMOUNTED; grep CapEff /proc/self/status`,
    );
    expect(r.stdout).not.toContain('REMOUNTED');
    expect(r.stdout).toMatch(/CapEff:\s+0+\n/);
  });

  it('passes the exit code through; a missing command is a start failure, not the sandbox’s', async () => {
    const w = world();
    expect((await sh(w.sandbox, w.ws, 'exit 7')).exitCode).toBe(7);
    const missing = await runProcess({
      cmd: 'no-such-cmd-x',
      args: [],
      cwd: w.ws,
      env: process.env,
      sandbox: w.sandbox,
    });
    expect(missing.spawnError).toMatch(/ENOENT/);
    expect(missing.sandboxError).toBeUndefined();
  });

  it('a timeout kills the sandboxed command and what it left running', async () => {
    const w = world();
    const r = await sh(w.sandbox, w.ws, 'sleep 30 & sleep 30', 500);
    expect(r.timedOut).toBe(true);
    // Zombies may wait for the machine's init to reap them; nothing of the group still runs.
    expect(liveMembers(r.pid!)).toEqual([]);
  });

  it('a sandbox that fails to set up is a sandboxError (and a spawnError), never the command’s exit', async () => {
    const broken: CommandWrapper = {
      wrap: (c) => ({
        cmd: 'bwrap',
        args: ['--ro-bind', '/no/such/source', '/x', '--', c.cmd, ...c.args],
        env: c.env,
        statusFd: 3,
      }),
    };
    const r = await runProcess({ cmd: 'true', args: [], cwd: '/', env: process.env, sandbox: broken });
    expect(r.sandboxError).toMatch(/^sandbox failed to start: bwrap: Can't find source path/);
    expect(r.spawnError).toBe(r.sandboxError);
  });
});

describe('chooseSandbox', () => {
  it('none is never probed; bwrap without bubblewrap is an error naming the package; auto falls back', async () => {
    expect((await chooseSandbox('none', {})).kind).toBe('none');
    const noPath = { PATH: '/nonexistent' };
    await expect(chooseSandbox('bwrap', noPath)).rejects.toThrow(SandboxError);
    await expect(chooseSandbox('bwrap', noPath)).rejects.toThrow(/bubblewrap/);
    const auto = await chooseSandbox('auto', noPath);
    expect([auto.kind, auto.reason]).toEqual(['none', expect.stringContaining('bwrap is not on PATH')]);
  });
});
