// The one way Scylla starts external processes: own process group, closed stdin, timeout with
// group kill (SIGTERM, then SIGKILL after a grace period), output streamed to files as it arrives,
// optionally inside a sandbox (a wrapper that turns the command into the sandboxed one).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { asDiskFull } from './disk.js';
import { descendantGroups, groupAlive, killGroup, reapProcessesIn, waitGroupGone } from './process-group.js';
import { findExecutable } from './which.js';

/** A command as runProcess starts it. */
export interface CommandLine {
  cmd: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The command a wrapper starts instead, and how it reports that the wrapped command started. */
export interface WrappedCommand {
  cmd: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /**
   * An extra descriptor (3) on which the wrapper writes JSON lines and, once the wrapped command
   * has ended, one with an `exit-code` key (bubblewrap's `--json-status-fd 3`). A wrapper that
   * exits on its own without that line failed to set up: `sandboxError`.
   */
  statusFd?: 3;
}

/** Turns a command into the one that runs it inside a sandbox (see src/sandbox/). */
export interface CommandWrapper {
  wrap(c: CommandLine): WrappedCommand;
}

/** What to run and how. */
export interface RunProcessOptions {
  cmd: string;
  args: readonly string[];
  cwd: string;
  /** The complete child environment (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  /** Kill the process group after this many milliseconds. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  /** Text written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  /** Stream stdout / stderr to these files as the bytes arrive. */
  stdoutFile?: string;
  stderrFile?: string;
  /** Called for each complete stdout line as it arrives (stream-json parsing). */
  onStdoutLine?: (line: string) => void;
  /** Aborting kills the process group (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** Keep at most this many bytes of each stream in memory (the tail). Default 64 MiB. */
  maxBufferBytes?: number;
  /**
   * When it has ended, also kill whatever still runs inside `cwd` (an agent's workspace: what its
   * tools left running in the background). Never for a shared directory such as the temp dir.
   */
  reapCwd?: boolean;
  /** Told the child's pid as soon as it is started (the store records it for a later resume). */
  onSpawn?: (pid: number) => void;
  /** Run the command inside this sandbox (`cmd` must then be an executable that exists). */
  sandbox?: CommandWrapper;
}

/** How a process ended. Exactly one of exitCode / signal / spawnError describes the end. */
export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the binary could not be started (ENOENT, EACCES, ...) or its sandbox did not start. */
  spawnError?: string;
  /** Set (as well as spawnError) when the sandbox failed to start: an infrastructure failure. */
  sandboxError?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  pid?: number;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.max && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  toString(): string {
    const all = Buffer.concat(this.chunks);
    return (all.length > this.max ? all.subarray(all.length - this.max) : all).toString('utf8');
  }
}

function openLog(file: string | undefined, failed: (e: Error) => void): WriteStream | undefined {
  if (!file) return undefined;
  mkdirSync(dirname(file), { recursive: true });
  // A log that cannot be written (disk full) is reported once the process ended, never a crash.
  return createWriteStream(file).on('error', failed);
}

function closeLog(ws?: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (!ws || ws.destroyed) return resolve();
    ws.once('error', () => resolve());
    ws.end(() => resolve());
  });
}

/** Run a process to completion. Never throws for the child's own failures: they are in the result. */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const line = { cmd: opts.cmd, args: opts.args, cwd: opts.cwd, env: opts.env };
  const run: WrappedCommand = opts.sandbox ? opts.sandbox.wrap(line) : line;
  // A sandboxed command that does not exist fails as an unsandboxed one would (a start failure).
  if (run.statusFd && findExecutable(opts.cmd, opts.env, opts.cwd) === null)
    return notStarted(`spawn ${opts.cmd} ENOENT`, started);
  const max = opts.maxBufferBytes ?? DEFAULT_MAX_BUFFER;
  const out = new TailBuffer(max);
  const err = new TailBuffer(max);
  let logError: { file: string; error: Error } | null = null;
  const outLog = openLog(opts.stdoutFile, (error) => (logError ??= { file: opts.stdoutFile!, error }));
  const errLog = openLog(opts.stderrFile, (error) => (logError ??= { file: opts.stderrFile!, error }));
  let timedOut = false;
  let aborted = false;
  let pending = '';

  const child = spawn(run.cmd, [...run.args], {
    cwd: opts.cwd,
    env: run.env,
    detached: true, // own process group: a terminal Ctrl-C does not reach it, and we can kill all of it
    stdio: [
      opts.input === undefined ? 'ignore' : 'pipe',
      'pipe',
      'pipe',
      ...(run.statusFd ? ['pipe' as const] : []),
    ],
  });
  // The wrapper's status lines: the one with `exit-code` says the wrapped command ran and ended.
  let status = '';
  child.stdio[3]?.on('data', (b: Buffer) => (status += b.toString('utf8')));

  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  let killTimer: NodeJS.Timeout | undefined;
  // Groups the child's own children were started in (found while the child is alive, when we kill it).
  const detached = new Set<number>();
  const killAll = (pid: number, sig: NodeJS.Signals) => {
    for (const g of descendantGroups(pid)) detached.add(g);
    killGroup(pid, sig);
    for (const g of detached) killGroup(g, sig);
  };
  const terminate = () => {
    if (child.pid === undefined) return;
    const pid = child.pid;
    killAll(pid, 'SIGTERM');
    killTimer = setTimeout(() => killAll(pid, 'SIGKILL'), opts.killGraceMs ?? 5000);
  };
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          terminate();
        }, opts.timeoutMs)
      : undefined;
  const onAbort = () => {
    aborted = true;
    terminate();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  // A chunk may end inside a multi-byte character; the decoder carries it over to the next chunk.
  const decoder = new StringDecoder('utf8');
  child.stdout?.on('data', (b: Buffer) => {
    out.push(b);
    outLog?.write(b);
    if (opts.onStdoutLine) {
      pending += decoder.write(b);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) opts.onStdoutLine(line);
      }
    }
  });
  child.stderr?.on('data', (b: Buffer) => {
    err.push(b);
    errLog?.write(b);
  });
  if (opts.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // child may exit before reading all input
    child.stdin.end(opts.input);
  }

  // When the leader exits, whatever it left running in its group (servers started with `&`, ...) goes too.
  child.once('exit', () => {
    if (child.pid !== undefined && groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
  });

  const ended = await new Promise<{ code: number | null; sig: NodeJS.Signals | null; spawnError?: string }>(
    (resolve) => {
      child.once('error', (e) => resolve({ code: null, sig: null, spawnError: e.message }));
      child.once('close', (code, sig) => resolve({ code, sig }));
    },
  );
  if (timer) clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  // The leader is gone; make sure no descendant outlives it.
  if (child.pid !== undefined && (timedOut || aborted) && groupAlive(child.pid))
    killGroup(child.pid, 'SIGKILL');
  for (const g of detached) killGroup(g, 'SIGKILL');
  if (killTimer) clearTimeout(killTimer);
  for (const g of child.pid === undefined ? [] : [child.pid, ...detached]) await waitGroupGone(g);
  if (opts.reapCwd) await reapProcessesIn(resolve(opts.cwd));
  if (opts.onStdoutLine) pending += decoder.end();
  if (opts.onStdoutLine && pending.trim()) opts.onStdoutLine(pending);
  await Promise.all([closeLog(outLog), closeLog(errLog)]);
  const broken = logError as { file: string; error: Error } | null;
  if (broken) throw asDiskFull(broken.error, broken.file);
  const stderr = err.toString();
  // It ended by itself without saying the command ended: the sandbox never got to run it.
  const sandboxError =
    run.statusFd && ended.spawnError === undefined && ended.code !== null && !timedOut && !aborted
      ? !/"exit-code"/.test(status)
        ? `sandbox failed to start: ${setupMessage(stderr)}`
        : undefined
      : undefined;
  return {
    exitCode: ended.code,
    signal: ended.sig,
    timedOut,
    aborted,
    spawnError: ended.spawnError ?? sandboxError,
    sandboxError,
    stdout: out.toString(),
    stderr,
    durationMs: Date.now() - started,
    pid: child.pid,
  };
}

/** The result of a process that was never started. */
function notStarted(spawnError: string, started: number): ProcessResult {
  const none = { exitCode: null, signal: null, timedOut: false, aborted: false, stdout: '', stderr: '' };
  return { ...none, spawnError, durationMs: Date.now() - started };
}

/** The wrapper's own complaint (bubblewrap prefixes it with `bwrap:`), else the end of stderr. */
function setupMessage(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.filter((l) => l.startsWith('bwrap:')).pop() ?? lines.slice(-3).join(' | ')).slice(0, 500);
}
