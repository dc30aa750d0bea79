// The verdict on a Codex CLI run, from the process and its JSONL events (never from the model's text).
import type { RateLimitInfo } from '../ratelimit/detect.js';
import { DEFAULT_RETRY_AFTER_MS, parseRetryAfter, type RateLimitKind } from '../ratelimit/retry-after.js';
import type { ProcessResult } from '../util/process.js';
import type { CodexOutput } from './codex-output.js';
import { tail, verdict, type Classification } from './verdict.js';

/**
 * Codex's own error texts (0.169.0) for limits. The 429 retry-after header is not shown by Codex, so
 * the wait is the default unless the text carries a reset time.
 */
const LIMITS: readonly { re: RegExp; kind: RateLimitKind }[] = [
  { re: /\blast status: 429\b|\b429 Too Many Requests\b/, kind: 'rate_limit' },
  { re: /Quota exceeded\. Check your plan and billing details|hit your usage limit/i, kind: 'usage_cap' },
  { re: /currently experiencing high demand|\blast status: (?:503|529)\b/i, kind: 'overloaded' },
];

function rateLimitOf(messages: readonly string[], now: Date): RateLimitInfo | null {
  for (const message of [...messages].reverse()) {
    const hit = LIMITS.find((l) => l.re.test(message));
    if (!hit) continue;
    const parsed = parseRetryAfter(message, now);
    return {
      kind: parsed?.kind === 'usage_cap' ? 'usage_cap' : hit.kind,
      retryAfterMs: parsed?.ms ?? DEFAULT_RETRY_AFTER_MS,
      message: message.slice(0, 300),
    };
  }
  return null;
}

/**
 * Classify a Codex run that ended (one that never started is the runner's verdict). Only `turn.completed` with exit 0 is a clean end: a run killed while
 * Codex was retrying prints no `turn.failed` at all. Rate limits are read from error events only.
 */
export function classifyCodexRun(
  proc: ProcessResult,
  out: CodexOutput,
  /** The caller's own signal fired (shutdown), as opposed to our early stop on an unreachable server. */
  interrupted: boolean,
  now = new Date(),
): Classification {
  if (proc.aborted && !interrupted && out.unreachable) {
    return {
      outcome: 'infra_failed',
      isError: true,
      errorMessage: `the model server cannot be reached (stopped the agent at once, Codex would wait forever): ${out.unreachable}`,
    };
  }
  if (proc.aborted) return verdict.interrupted();
  const failures = [...out.errors, ...(out.turnFailed ? [out.turnFailed] : [])];
  const rateLimit = proc.exitCode === 0 && out.turnCompleted ? null : rateLimitOf(failures, now);
  // Killed during Codex's own retry ladder: the limit, not the timeout, is what happened.
  if (rateLimit) return verdict.rateLimited(rateLimit);
  if (proc.timedOut) return verdict.timedOut(proc.durationMs);
  if (proc.exitCode === 0 && out.turnCompleted && !out.turnFailed) return verdict.completed();
  const said = out.turnFailed ?? out.errors.at(-1) ?? (tail(proc.stderr) || tail(out.otherLines.join('\n')));
  // No action and no tokens: the model was never reached (bad config, unreachable server), not the agent's doing.
  const tokens = out.usage.inputTokens + out.usage.outputTokens + out.usage.cacheReadTokens;
  if (out.numActions === 0 && tokens === 0)
    return verdict.modelNeverReached(proc.exitCode, said || 'no output');
  return verdict.agentError(said || `exit code ${proc.exitCode}`);
}
