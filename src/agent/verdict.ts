// How an agent run ended, as a verdict (Classification), and the verdicts every adapter's classifier
// shares: facts about the process (not started, stopped, out of time), a rate limit, a clean end.
import type { RateLimitInfo } from '../ratelimit/detect.js';
import type { AgentOutcome } from '../outcomes.js';

/** The verdict on one run. */
export interface Classification {
  outcome: AgentOutcome;
  isError: boolean;
  rateLimit?: RateLimitInfo;
  errorMessage?: string;
}

/** The last `n` characters of a text, trimmed, with an ellipsis where it was cut. */
export const tail = (text: string, n = 500): string => {
  const t = text.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
};

/** The verdicts every classifier shares. */
export const verdict = {
  /** The binary could not be started at all (ENOENT, EACCES, ...); `hint` says how to fix it. */
  notStarted: (bin: string, spawnError: string, hint: string): Classification => ({
    outcome: 'infra_failed',
    isError: true,
    errorMessage: `cannot start agent binary "${bin}": ${spawnError} (${hint})`,
  }),
  /** The caller's signal stopped the agent (shutdown). */
  interrupted: (): Classification => ({
    outcome: 'interrupted',
    isError: true,
    errorMessage: 'interrupted: the agent was stopped by a signal',
  }),
  timedOut: (durationMs: number): Classification => ({
    outcome: 'timed_out',
    isError: true,
    errorMessage: `timed out after ${durationMs} ms`,
  }),
  rateLimited: (rateLimit: RateLimitInfo): Classification => ({
    outcome: 'rate_limited',
    isError: true,
    rateLimit,
    errorMessage: rateLimit.message,
  }),
  completed: (): Classification => ({ outcome: 'completed', isError: false }),
  /** No tokens at all: the model was never reached (API error, bad flag or config), not the agent's doing. */
  modelNeverReached: (exitCode: number | null, said: string): Classification => ({
    outcome: 'infra_failed',
    isError: true,
    errorMessage: `agent exited with code ${exitCode} without using the model: ${said}`,
  }),
  /** The agent ran and failed by itself: a result, judged like any other. */
  agentError: (errorMessage: string): Classification => ({
    outcome: 'agent_error',
    isError: true,
    errorMessage,
  }),
};
