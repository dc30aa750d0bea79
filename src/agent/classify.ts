// Turns a finished Claude Code process plus its parsed output into a verdict (data, never guessed later).
import { detectRateLimit } from '../ratelimit/detect.js';
import type { ProcessResult } from '../util/process.js';
import type { ClaudeOutput } from './claude-output.js';
import { tail, verdict, type Classification } from './verdict.js';

/** What the CLI prints as root without IS_SANDBOX=1. */
const ROOT_REFUSAL = /cannot be used with root\/sudo privileges/i;

function resultErrors(out: ClaudeOutput): string | undefined {
  const r = out.result;
  if (!r) return undefined;
  const errors = (r.errors ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
  const what = r.subtype && r.subtype !== 'success' ? r.subtype : undefined;
  return [what, errors || (r.is_error ? r.result : undefined)].filter(Boolean).join(': ') || undefined;
}

const tokens = (o: ClaudeOutput): number =>
  o.usage.inputTokens + o.usage.outputTokens + o.usage.cacheCreationTokens + o.usage.cacheReadTokens;

/**
 * Classify a run that ended (one that never started is the runner's verdict). Order matters: an abort
 * and a timeout are facts about the process; a rate limit is read only from a failed call; then
 * success vs. the agent's own error.
 */
export function classifyRun(proc: ProcessResult, out: ClaudeOutput, now = new Date()): Classification {
  if (proc.aborted) return verdict.interrupted();
  if (proc.timedOut) return verdict.timedOut(proc.durationMs);
  if (ROOT_REFUSAL.test(proc.stderr) || (ROOT_REFUSAL.test(proc.stdout) && !out.result)) {
    return {
      outcome: 'infra_failed',
      isError: true,
      errorMessage:
        'the agent CLI refused to run as root with --dangerously-skip-permissions; it accepts that only with ' +
        'IS_SANDBOX=1 in its environment (Scylla sets it when running as root). CLI said: ' +
        tail(proc.stderr || proc.stdout, 300),
    };
  }
  const r = out.result;
  const isError = r?.is_error ?? proc.exitCode !== 0;
  const rateLimit = detectRateLimit(
    {
      exitCode: proc.exitCode,
      isError,
      apiErrorStatus: r?.api_error_status,
      resultText: r ? (r.result ?? '') : proc.stdout,
      stderr: proc.stderr,
      apiRetries: out.apiRetries,
    },
    now,
  );
  if (rateLimit) return verdict.rateLimited(rateLimit);
  if (proc.exitCode === 0 && !isError && (r || out.lastText.trim())) return verdict.completed();
  // No tokens at all: the model was never reached (API error, request timeout, bad flag).
  if (tokens(out) === 0 && (r ? r.is_error === true : out.numTurns === 0)) {
    const said =
      (r?.is_error ? r.result : undefined) || tail(proc.stderr) || tail(proc.stdout) || 'no output';
    return verdict.modelNeverReached(proc.exitCode, said);
  }
  return verdict.agentError(resultErrors(out) ?? (tail(proc.stderr) || `exit code ${proc.exitCode}`));
}
