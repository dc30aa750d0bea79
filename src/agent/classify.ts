// Turns a finished agent process plus its parsed output into a failure kind (data, never guessed later).
import { detectRateLimit, type RateLimitInfo } from '../ratelimit/detect.js';
import type { ProcessResult } from '../util/process.js';
import { CLAUDE_BIN_HINT } from './agent-bin.js';
import type { ClaudeOutput } from './claude-output.js';
import type { AgentOutcome } from './result.js';

/** The verdict on one run. */
export interface Classification {
  outcome: AgentOutcome;
  isError: boolean;
  rateLimit?: RateLimitInfo;
  errorMessage?: string;
}

/** What the CLI prints as root without IS_SANDBOX=1. */
const ROOT_REFUSAL = /cannot be used with root\/sudo privileges/i;

const tail = (text: string, n = 500): string => {
  const t = text.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
};

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
 * Classify a finished run. Order matters: a start failure, an abort and a timeout are facts about the
 * process; a rate limit is read only from a failed call; then success vs. the agent's own error.
 */
export function classifyRun(
  proc: ProcessResult,
  out: ClaudeOutput,
  bin: string,
  now = new Date(),
): Classification {
  if (proc.spawnError !== undefined) {
    return {
      outcome: 'infra_failed',
      isError: true,
      errorMessage: `cannot start agent binary "${bin}": ${proc.spawnError} (${CLAUDE_BIN_HINT})`,
    };
  }
  if (proc.aborted)
    return {
      outcome: 'interrupted',
      isError: true,
      errorMessage: 'interrupted: the agent was stopped by a signal',
    };
  if (proc.timedOut)
    return { outcome: 'timed_out', isError: true, errorMessage: `timed out after ${proc.durationMs} ms` };
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
  if (rateLimit)
    return { outcome: 'rate_limited', isError: true, rateLimit, errorMessage: rateLimit.message };
  if (proc.exitCode === 0 && !isError && (r || out.lastText.trim()))
    return { outcome: 'completed', isError: false };
  // No tokens at all: the model was never reached (API error, request timeout, bad flag), not the agent's doing.
  if (tokens(out) === 0 && (r ? r.is_error === true : out.numTurns === 0)) {
    const said =
      (r?.is_error ? r.result : undefined) || tail(proc.stderr) || tail(proc.stdout) || 'no output';
    return {
      outcome: 'infra_failed',
      isError: true,
      errorMessage: `agent exited with code ${proc.exitCode} without using the model: ${said}`,
    };
  }
  const why = resultErrors(out) ?? (tail(proc.stderr) || `exit code ${proc.exitCode}`);
  return { outcome: 'agent_error', isError: true, errorMessage: why };
}
