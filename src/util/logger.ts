// One logger: structured JSONL to the experiment log file (sync writes survive kill -9), plus an
// injected human-readable sink (the CLI's stderr, or a test's buffer). Secrets are redacted.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A line-oriented human sink, e.g. `(line) => process.stderr.write(line + '\n')`. */
export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** Attach (or replace) the JSONL file once the experiment directory is known. */
  toFile(file: string): void;
}

const SECRET_KEY = /(api[_-]?key|token|secret|password|authorization)/i;
const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,})/g;

/** Replace secret-looking values in a string. */
export function redactText(s: string): string {
  return s.replace(SECRET_VALUE, '[REDACTED]');
}

function redactFields(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f))
    out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : typeof v === 'string' ? redactText(v) : v;
  return out;
}

/** Where a logger writes its file lines: its own file once set, else its parent's. */
interface FileState {
  file?: pino.Logger;
  parent?: FileState;
}

const fileOf = (s: FileState | undefined): pino.Logger | undefined =>
  s ? (s.file ?? fileOf(s.parent)) : undefined;

/**
 * Create a logger writing `level`+ to `sink` and everything to the file (once set). A child writes
 * to its parent's file until it is given its own (each experiment of a batch has its own log).
 */
export function createLogger(opts: { sink?: LogSink; level?: LogLevel } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const make = (bound: Record<string, unknown>, state: FileState): Logger => {
    const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
      const all = redactFields({ ...bound, ...fields });
      try {
        fileOf(state)?.[level](all, redactText(msg));
      } catch {
        // The log file is a record, not the state: a full disk must not turn a log line into a crash.
      }
      if (opts.sink && ORDER[level] >= min) {
        // On the terminal, a batch's lines say which test case they are about.
        const tags = [bound.experiment, bound.run].filter((t) => typeof t === 'string');
        const prefix = tags.map((t) => `[${t}] `).join('');
        opts.sink(`${prefix}${redactText(msg)}`, level);
      }
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (f) => make({ ...bound, ...f }, { parent: state }),
      toFile: (file) => {
        mkdirSync(dirname(file), { recursive: true });
        const dest = pino.destination({ dest: file, sync: true, mkdir: true });
        dest.on('error', () => undefined);
        state.file = pino({ level: 'debug', base: null }, dest);
      },
    };
  };
  return make({}, {});
}

/** A logger that drops everything (library default). */
export const silentLogger: Logger = createLogger();
