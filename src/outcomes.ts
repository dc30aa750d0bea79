// How things ended, as data every layer shares: an agent run, a run's not-a-result states, an
// experiment's early stop. Never guessed back from text; stored and printed from these values.
import { z } from 'zod';

/**
 * How an agent run ended. `completed`, `agent_error` and `timed_out` are results (the agent did the
 * task well or badly, or ran out of time); `infra_failed`, `rate_limited` and `interrupted` are not
 * and are redone on resume.
 */
export const AgentOutcomeSchema = z.enum([
  'completed',
  'timed_out',
  'agent_error',
  'infra_failed',
  'rate_limited',
  'interrupted',
]);
export type AgentOutcome = z.infer<typeof AgentOutcomeSchema>;

/** Agent outcomes that are results to judge; every other one is redone. */
export const RESULT_OUTCOMES: readonly AgentOutcome[] = ['completed', 'timed_out', 'agent_error'];

/** Why a run's last attempt is not a result (each is redone or re-judged on resume). */
export const RunFailureSchema = z.enum(['rate_limited', 'infra_failed', 'interrupted', 'judge_failed']);
export type RunFailure = z.infer<typeof RunFailureSchema>;

/** Why an experiment stopped before every run was finalized; all of them are resumable. */
export const StopReasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('budget_exhausted'), spentUsd: z.number(), capUsd: z.number() }),
  z.object({
    kind: z.literal('rate_limit_too_long'),
    limit: z.string(),
    resetsAt: z.string(),
    maxWaitSeconds: z.number(),
  }),
  z.object({ kind: z.literal('stop_requested'), hard: z.boolean() }),
  z.object({ kind: z.literal('disk_full'), path: z.string(), freeBytes: z.number().nullable() }),
  z.object({ kind: z.literal('stage_limit'), stage: z.string() }),
]);
export type StopReason = z.infer<typeof StopReasonSchema>;

/** A stop reason in words, with how to go on. */
export function describeStopReason(r: StopReason): string {
  switch (r.kind) {
    case 'budget_exhausted':
      return (
        `budget exhausted: $${r.spentUsd.toFixed(4)} spent of the $${r.capUsd} cap; ` +
        'run again with a higher --max-cost-usd to continue'
      );
    case 'rate_limit_too_long':
      return (
        `rate limit (${r.limit}) resets at ${r.resetsAt}, later than --max-wait ${r.maxWaitSeconds}s allows: ` +
        'stopping; run the same command again after the reset to resume'
      );
    case 'stop_requested':
      return r.hard
        ? 'stopped now (second Ctrl-C); interrupted runs are redone on resume'
        : 'stopped after the running runs (Ctrl-C); run the same command again to resume';
    case 'disk_full':
      return (
        `no space left on the device of ${r.path}` +
        (r.freeBytes === null ? '' : ` (${Math.round(r.freeBytes / 1024)} KiB free)`) +
        ': stopping; free some space and run the same command again to resume'
      );
    case 'stage_limit':
      return `every run stopped after its ${r.stage} stage (--until); run again without --until to go on`;
  }
}
