// The per-run sandbox: what a run's processes (the agent and all it starts, MCP servers, the build
// pipeline's steps, a CLI judge) may read, write and reach. The engine decides the policy; agent,
// judge and workspace code only receive a `Sandbox` and hand it to `runProcess`.
import type { NETWORK_MODES, SANDBOX_MODES } from '../config/experiment-config.js';
import type { CommandLine, CommandWrapper } from '../util/process.js';

/** What `--sandbox` asks for: `auto` sandboxes where it works (and says so when it cannot). */
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The mechanism a run actually got. */
export type SandboxKind = 'bwrap' | 'none';

/** What a run's network may reach. `open`: everything the machine reaches. */
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** The host side of `network: allowlist` (see network-gate.ts), as a sandbox binds and uses it. */
export interface GateSockets {
  /** Directory of the sockets (bound read-write into every sandbox). */
  dir: string;
  /** The filtering HTTP proxy's socket, and the port it gets inside a sandbox. */
  proxy: { socket: string; port: number };
  /** Loopback ports forwarded as they are (the model endpoint on 127.0.0.1). */
  forwards: { port: number; socket: string }[];
  /** Hosts (`host`, `*.domain`, `host:port`) the proxy lets through. */
  allow: readonly string[];
}

/**
 * What the processes of one run may see. Nothing outside these paths and the read-only system is
 * visible. Paths are absolute.
 */
export interface SandboxPolicy {
  /** Bound read-write: the run's worktree, its agent config / HOME directory. */
  writable: readonly string[];
  /** Bound read-only when they exist: tool installations, the pristine task history, inputs. */
  readOnly: readonly string[];
  /**
   * Never visible, even inside a read-only directory (a results directory below /opt, a test case
   * below a tool directory): a directory is shadowed by an empty one, a file by an empty file.
   */
  hidden: readonly string[];
  /**
   * The user's home directories (HOME, and the password database's when it differs): each replaced
   * by an empty private directory; tool installations inside are bound back read-only.
   */
  homes: readonly string[];
  /** Also bind each process's working directory read-write (a CLI judge's scratch directory). */
  writableCwd?: boolean;
  network: NetworkMode;
  /** With `network: allowlist`: the only way out. */
  gate?: GateSockets;
}

/** What run_result.json, MODEL.md and experiment.json record about a run's sandbox. */
export interface SandboxRecord {
  kind: SandboxKind;
  /** Why a run is not sandboxed (`--sandbox none`, or bwrap does not work here). */
  reason?: string;
  network: NetworkMode | 'unrestricted';
  /** With `network: allowlist`: what the proxy lets through (the model endpoint included). */
  networkAllow?: string[];
  writable: string[];
  readOnly: string[];
  hidden: string[];
}

/** One run's sandbox, ready to wrap every process of the run. */
export interface Sandbox extends CommandWrapper {
  readonly kind: SandboxKind;
  /** The policy in words and lists, for the run's records. */
  describe(): SandboxRecord;
  /**
   * What goes in front of the command `c` to run it in this sandbox again by hand (replay.sh):
   * `bwrap <flags and mounts> --`, or nothing.
   */
  replayPrefix(c: CommandLine): string[];
}

/** A sandbox mechanism: can it run here, and the sandbox of one policy. */
export interface SandboxProvider {
  readonly kind: SandboxKind;
  /** null when it works on this machine, else why not (said once at start). */
  probe(env: NodeJS.ProcessEnv): Promise<string | null>;
  create(policy: SandboxPolicy, env: NodeJS.ProcessEnv): Sandbox;
}
