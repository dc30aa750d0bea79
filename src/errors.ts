// Typed errors of Scylla: every user-facing failure is one of these, each condition with one exit
// code (the table is EXIT_CODES; src/cli/main.ts is the only place that applies it).
import { formatProblem, formatProblems, type Problem } from './problem.js';

/** One exit code per condition, the same in every command (documented in the README). */
export const EXIT_CODES = {
  /** Everything asked for was done. */
  ok: 0,
  /** Bad input (file, line, field, value), repository, agent, judge or infrastructure failure. */
  error: 1,
  /** Wrong usage: unknown flag or value, wrong arguments, a directory that is not an experiment. */
  usage: 2,
  /** Another live scylla process is running this experiment. */
  busy: 3,
  /** Stopped with runs left (budget cap, rate limit past --max-wait, runs to redo): run again to resume. */
  incomplete: 4,
  /** A bug in Scylla. */
  internal: 70,
  /** Stopped by Ctrl-C (or SIGTERM); everything is resumable. */
  interrupted: 130,
} as const;

/** Base of every error Scylla raises on purpose. `code` is stable and machine-readable. */
export class ScyllaError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG`, `GIT`. */
  readonly code: string;
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(
    code: string,
    message: string,
    exitCode: number = EXIT_CODES.error,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A malformed or inconsistent input file; names the file, line, field and value of every problem. */
export class ConfigError extends ScyllaError {
  /** Every error found (at least one), each with its place and offending value. */
  readonly problems: Problem[];
  /** The first problem's place (most errors have one). */
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly value?: unknown;
  constructor(
    message: string,
    where: { file?: string; line?: number; field?: string; value?: unknown } = {},
  ) {
    const problem: Problem = { severity: 'error', ...definedOnly(where), message };
    super('CONFIG', formatProblem(problem), 1);
    this.problems = [problem];
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
    this.value = where.value;
  }

  /** One error for several problems (all of them in the message, one a line). */
  static of(problems: readonly Problem[]): ConfigError {
    if (!problems.length) throw new InternalError('ConfigError.of() without problems');
    const [{ file, line, field, value, message }] = problems;
    const e = new ConfigError(message, { file, line, field, value });
    (e as { problems: Problem[] }).problems = problems.map((p) => ({ ...p, severity: 'error' as const }));
    e.message = formatProblems(problems);
    return e;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Wrong command-line usage (exit 2). */
export class UsageError extends ScyllaError {
  constructor(message: string) {
    super('USAGE', message, EXIT_CODES.usage);
  }
}

/** A directory given as an experiment holds no experiment (no scylla.db); exit 2 from every command. */
export class NotAnExperimentError extends ScyllaError {
  readonly dir: string;
  constructor(dir: string, detail = 'no scylla.db in it') {
    super('NOT_AN_EXPERIMENT', `${dir} is not an experiment directory (${detail})`, EXIT_CODES.usage);
    this.dir = dir;
  }
}

/** Another live process drives this experiment (exit 3). */
export class ExperimentBusyError extends ScyllaError {
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      'BUSY',
      `experiment ${dir} is being run by another scylla process (pid ${pid}); wait for it or stop it first`,
      EXIT_CODES.busy,
    );
    this.pid = pid;
  }
}

/** The infrastructure keeps failing (missing binary, bad credentials, ...); nothing was counted. */
export class InfraFailureError extends ScyllaError {
  constructor(detail: string) {
    super(
      'INFRA',
      `stopping: ${detail}. Nothing was counted; fix the cause and run the same command again to redo these runs.`,
      EXIT_CODES.error,
    );
  }
}

/** The job queue (Redis, `--queue`) cannot be reached or refused us; the message never shows a password. */
export class QueueError extends ScyllaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUEUE', message, EXIT_CODES.error, options);
  }
}

/** A git command failed. */
export class GitError extends ScyllaError {
  readonly args: string[];
  readonly stderr: string;
  constructor(args: string[], stderr: string, message?: string) {
    super('GIT', message ?? `git ${args.join(' ')} failed: ${stderr.trim().slice(0, 500)}`, 1);
    this.args = args;
    this.stderr = stderr;
  }
}

/** The agent could not be started or run (not: the agent did the task badly). */
export class AgentError extends ScyllaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AGENT', message, 1, options);
  }
}

/** The per-run sandbox cannot be used (missing bubblewrap with `--sandbox bwrap`, or it failed to start). */
export class SandboxError extends ScyllaError {
  constructor(message: string) {
    super('SANDBOX', message, EXIT_CODES.error);
  }
}

/** A judge transport failed in a way that is not a rate limit. */
export class JudgeError extends ScyllaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('JUDGE', message, 1, options);
  }
}

/** An API said "slow down"; `retryAfterMs` is how long to wait before trying again. */
export class RateLimitError extends ScyllaError {
  readonly retryAfterMs: number;
  readonly source: 'agent' | 'judge';
  readonly kind: 'rate_limit' | 'overloaded' | 'usage_cap';
  /** Nothing said how long to wait: `retryAfterMs` is a guess, the engine's `--rate-limit-wait` applies. */
  readonly estimated: boolean;
  constructor(
    message: string,
    info: {
      retryAfterMs: number;
      source: 'agent' | 'judge';
      kind?: 'rate_limit' | 'overloaded' | 'usage_cap';
      estimated?: boolean;
    },
  ) {
    super('RATE_LIMIT', message, 1);
    this.retryAfterMs = info.retryAfterMs;
    this.source = info.source;
    this.kind = info.kind ?? 'rate_limit';
    this.estimated = info.estimated ?? false;
  }
}

/** No space left on the device holding `path`; what was written stays consistent and resumable. */
export class DiskFullError extends ScyllaError {
  readonly path: string;
  readonly freeBytes: number | null;
  constructor(path: string, freeBytes: number | null, options?: { cause?: unknown }) {
    const free = freeBytes === null ? '' : ` (${Math.floor(freeBytes / 1024)} KiB free)`;
    super(
      'DISK_FULL',
      `no space left on the device of ${path}${free}: free some space and run the same command again to resume`,
      EXIT_CODES.error,
      options,
    );
    this.path = path;
    this.freeBytes = freeBytes;
  }
}

/** The experiment was stopped by a signal; everything is resumable. */
export class InterruptedError extends ScyllaError {
  constructor(message = 'interrupted') {
    super('INTERRUPTED', message, EXIT_CODES.interrupted);
  }
}

/** A state Scylla should never reach: a bug. */
export class InternalError extends ScyllaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      'INTERNAL',
      `internal error (this is a bug, please report it): ${message}`,
      EXIT_CODES.internal,
      options,
    );
  }
}
