// Typed errors of Scylla: every user-facing failure is one of these, mapped to an exit code in src/cli/main.ts.
import { formatProblem, formatProblems, type Problem } from './config/problem.js';

/** Base of every error Scylla raises on purpose. `code` is stable and machine-readable. */
export class ScyllaError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG`, `GIT`. */
  readonly code: string;
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1, options?: { cause?: unknown }) {
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
    super('USAGE', message, 2);
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
  constructor(
    message: string,
    info: {
      retryAfterMs: number;
      source: 'agent' | 'judge';
      kind?: 'rate_limit' | 'overloaded' | 'usage_cap';
    },
  ) {
    super('RATE_LIMIT', message, 1);
    this.retryAfterMs = info.retryAfterMs;
    this.source = info.source;
    this.kind = info.kind ?? 'rate_limit';
  }
}

/** The experiment was stopped by a signal; everything is resumable. */
export class InterruptedError extends ScyllaError {
  constructor(message = 'interrupted') {
    super('INTERRUPTED', message, 130);
  }
}

/** A state Scylla should never reach: a bug. */
export class InternalError extends ScyllaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', `internal error (this is a bug, please report it): ${message}`, 1, options);
  }
}
