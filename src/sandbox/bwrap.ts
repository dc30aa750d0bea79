// The bubblewrap sandbox: every process of a run started through `bwrap` with the run's mounts
// (see mounts.ts), its installation bound read-only, and a temp dir that exists inside.
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { isWithin, planMounts, SYSTEM_DIRS, type FsView, type Mount } from './mounts.js';
import { bwrapArgs, netPrelude, proxyEnv } from './bwrap-args.js';
import { InternalError } from '../errors.js';
import { executableRoots } from './tool-paths.js';
import type { Sandbox, SandboxPolicy, SandboxProvider, SandboxRecord } from './sandbox.js';
import { findExecutable } from '../util/which.js';
import { runProcess, type CommandLine, type WrappedCommand } from '../util/process.js';

/** How to get bubblewrap where it is missing. */
export const BWRAP_HINT = 'install the package bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)';

/** The real file system, as the mount plan asks it. */
export const realFs: FsView = {
  stat(path) {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(path) };
      return { type: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' };
    } catch {
      return null;
    }
  },
};

/** The bwrap executable on `env.PATH`, or null. */
export function findBwrap(env: NodeJS.ProcessEnv): string | null {
  return findExecutable('bwrap', env);
}

const writableIn = (p: string, mounts: readonly Mount[]) =>
  mounts.some((m) => (m.kind === 'rw' || (m.kind === 'tmpfs' && m.dest === '/tmp')) && isWithin(p, m.dest));

class BwrapSandbox implements Sandbox {
  readonly kind = 'bwrap' as const;
  constructor(
    private readonly bwrap: string,
    private readonly policy: SandboxPolicy,
  ) {}

  wrap(c: CommandLine): WrappedCommand {
    return this.build(c, this.policy.network);
  }

  private build(c: CommandLine, network: SandboxPolicy['network']): WrappedCommand {
    const exe = findExecutable(c.cmd, c.env, c.cwd);
    const extraRo = exe ? executableRoots(exe, this.policy.homes) : [];
    const gate = network === 'allowlist' ? this.policy.gate : undefined;
    if (network === 'allowlist' && !gate) throw new InternalError('network: allowlist without a gate');
    const writable = [
      ...this.policy.writable,
      ...(this.policy.writableCwd ? [c.cwd] : []),
      ...(gate ? [gate.dir] : []),
    ];
    // Planned at each start: what exists now (a step's scripts, the MCP config) is what gets bound.
    const mounts = planMounts(
      { ...this.policy, readOnly: [...this.policy.readOnly, ...extraRo], writable },
      realFs,
    );
    const env = { ...c.env, ...(gate ? proxyEnv(gate) : {}) };
    // A temp dir the sandbox does not show would make every tool that needs one fail.
    if (env.TMPDIR && !writableIn(env.TMPDIR, mounts)) env.TMPDIR = '/tmp';
    const args = [
      ...bwrapArgs(mounts, { cwd: c.cwd, network, statusFd: 3 }),
      ...(gate ? netPrelude(gate, findExecutable('socat', c.env) ?? 'socat') : []),
      c.cmd,
      ...c.args,
    ];
    return { cmd: this.bwrap, args, env, statusFd: 3 };
  }

  replayPrefix(c: CommandLine): string[] {
    // The allowlist's proxy lives in Scylla's process: a replay shares the machine's network.
    const w = this.build(c, 'open');
    const args = w.args.slice(0, w.args.indexOf('--') + 1);
    const fd = args.indexOf('--json-status-fd');
    if (fd >= 0) args.splice(fd, 2);
    return [w.cmd, ...args];
  }

  describe(): SandboxRecord {
    return {
      kind: 'bwrap',
      network: this.policy.network,
      ...(this.policy.gate ? { networkAllow: [...this.policy.gate.allow] } : {}),
      writable: [...this.policy.writable, ...(this.policy.writableCwd ? ['<working directory>'] : [])],
      readOnly: [...SYSTEM_DIRS, ...this.policy.readOnly].filter((p) => existsSync(p)),
      hidden: [...this.policy.homes, ...this.policy.hidden],
    };
  }
}

/** bubblewrap, found on PATH. `probe` starts one tiny sandbox with the same flags real runs get. */
export const bwrapProvider: SandboxProvider = {
  kind: 'bwrap',
  async probe(env) {
    const bwrap = findBwrap(env);
    if (!bwrap) return `bwrap is not on PATH (${BWRAP_HINT})`;
    const sandbox = new BwrapSandbox(bwrap, {
      writable: [],
      readOnly: [],
      hidden: [],
      homes: [],
      network: 'open',
    });
    const r = await runProcess({ cmd: 'true', args: [], cwd: '/', env, timeoutMs: 10_000, sandbox });
    if (r.exitCode === 0) return null;
    return `bwrap does not work here: ${r.sandboxError ?? r.spawnError ?? r.stderr.trim().slice(0, 300)}`;
  },
  create(policy, env) {
    return new BwrapSandbox(findBwrap(env) ?? 'bwrap', policy);
  },
};
