// Is a failed agent or judge call a rate limit? Precise patterns on the CLI's own error output only.
import { DEFAULT_RETRY_AFTER_MS, RETRY_MARGIN, parseRetryAfter, type RateLimitKind } from './retry-after.js';

/** A detected rate limit: what kind, how long to wait (margin included), and the evidence. */
export interface RateLimitInfo {
  kind: RateLimitKind;
  retryAfterMs: number;
  /** True when nothing said how long to wait and `retryAfterMs` is the default. */
  estimated?: boolean;
  message: string;
}

/** One `system/api_retry` line of stream-json output. */
export interface ApiRetry {
  errorStatus: number | null;
  retryDelayMs: number | null;
  error?: string;
}

/** What a call left behind, as far as rate-limit detection needs it. */
export interface DetectInput {
  exitCode: number | null;
  /** The CLI's own `is_error` flag (false when there was no result object). */
  isError: boolean;
  /** `api_error_status` of the result object. */
  apiErrorStatus?: number | null;
  /** `result` text of the result object (or the whole stdout in text mode). */
  resultText?: string;
  stderr?: string;
  /** `system/api_retry` lines seen during the run. */
  apiRetries?: readonly ApiRetry[];
}

// The CLI prints its API errors as "API Error: Request rejected (429) · ..." / "API Error: 529 ...".
const CLI_429 = /^\s*API Error: (?:Request rejected \(429\)|429\b)/m;
const CLI_529 = /^\s*API Error: (?:529\b|Repeated 529|.*\boverloaded_error\b)/m;
const USAGE_CAP = /hit your (?:\w+ )?limit[\s\S]*\bresets?\b|usage limit reached/i;
// stderr of a failed process: HTTP / SDK error names, never a bare "429" somewhere in a log line.
const STDERR_429 = /\b429 Too Many Requests\b|\brate_limit_error\b|API Error: Request rejected \(429\)/i;
const STDERR_529 = /\b529 Overloaded\b|\boverloaded_error\b|API Error: 529\b/i;

function firstLine(text: string, re: RegExp): string {
  const m = re.exec(text);
  if (!m) return text.trim().slice(0, 300);
  const start = text.lastIndexOf('\n', m.index) + 1;
  const end = text.indexOf('\n', m.index);
  return text
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .slice(0, 300);
}

function info(
  kind: RateLimitKind,
  message: string,
  evidence: string,
  now: Date,
  retries?: readonly ApiRetry[],
) {
  const parsed = parseRetryAfter(evidence, now);
  const lastDelay = [...(retries ?? [])].reverse().find((r) => r.retryDelayMs !== null)?.retryDelayMs;
  const retryAfterMs =
    parsed?.ms ?? (lastDelay != null ? Math.round(lastDelay * RETRY_MARGIN) : DEFAULT_RETRY_AFTER_MS);
  const estimated = !parsed && lastDelay == null;
  return { kind: parsed?.kind === 'usage_cap' ? 'usage_cap' : kind, retryAfterMs, estimated, message };
}

/** The kind of limit an `api_retry` line is about, or null for other errors (500s, network). */
export function retryLimitKind(r: ApiRetry): 'rate_limit' | 'overloaded' | null {
  if (r.errorStatus === 529 || r.error === 'overloaded') return 'overloaded';
  if (r.errorStatus === 429 || r.error === 'rate_limit') return 'rate_limit';
  return null;
}

/**
 * The rate limit behind a failed call, or null. Only a failed call (is_error or non-zero exit) can
 * be rate limited: a model answer that merely mentions "429" or "rate limit" is a normal answer.
 * stderr is consulted only on a non-zero exit.
 */
export function detectRateLimit(input: DetectInput, now: Date = new Date()): RateLimitInfo | null {
  const nonZero = input.exitCode !== 0;
  if (!input.isError && !nonZero) return null;
  const text = input.resultText ?? '';
  const retries = input.apiRetries ?? [];
  if (USAGE_CAP.test(text)) return info('usage_cap', firstLine(text, USAGE_CAP), text, now);
  if (input.apiErrorStatus === 429 || CLI_429.test(text))
    return info('rate_limit', firstLine(text, CLI_429), text, now, retries);
  if (input.apiErrorStatus === 529 || CLI_529.test(text))
    return info('overloaded', firstLine(text, CLI_529), text, now, retries);
  const lastRetry = retries.at(-1);
  const kind = lastRetry ? retryLimitKind(lastRetry) : null;
  if (lastRetry && kind) {
    const message = `API retries (${retries.length}), last: ${lastRetry.errorStatus ?? lastRetry.error ?? '?'}`;
    return info(kind, message, '', now, retries);
  }
  const stderr = input.stderr ?? '';
  if (nonZero && stderr) {
    if (USAGE_CAP.test(stderr)) return info('usage_cap', firstLine(stderr, USAGE_CAP), stderr, now);
    if (STDERR_429.test(stderr))
      return info('rate_limit', firstLine(stderr, STDERR_429), stderr, now, retries);
    if (STDERR_529.test(stderr))
      return info('overloaded', firstLine(stderr, STDERR_529), stderr, now, retries);
  }
  return null;
}
