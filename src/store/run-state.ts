// The run state machine: the stages of one run, in order, and the failure kinds that are not results.
import { z } from 'zod';

/** Stages a run passes through, in order. Every transition is durable before the next begins. */
export const RUN_STAGES = [
  'pending',
  'workspace_ready',
  'config_committed',
  'prompt_written',
  'agent_done',
  'diff_captured',
  'pipeline_done',
  'judged',
  'finalized',
  'cleaned',
] as const;

/** Off-path states: not results, redone on resume. */
export const RETRY_STATES = ['rate_limited', 'infra_failed', 'interrupted', 'judge_failed'] as const;

export const RunStateSchema = z.enum([...RUN_STAGES, ...RETRY_STATES]);
/** A run's state as stored. */
export type RunState = z.infer<typeof RunStateSchema>;
export type RunStage = (typeof RUN_STAGES)[number];

/** Position of a stage in the pipeline (off-path states have none). */
export function stageIndex(s: RunState): number {
  return (RUN_STAGES as readonly string[]).indexOf(s);
}

/** A run that is finalized (or finalized and cleaned) is a result and is never touched again. */
export function isFinal(s: RunState): boolean {
  return s === 'finalized' || s === 'cleaned';
}

/**
 * Where a run re-enters the pipeline on resume. Rate limits, infrastructure failures and
 * interruptions of the agent are redone from a fresh workspace; a judge failure is re-judged
 * on the agent's durable result.
 */
export function resumeStage(s: RunState): RunStage | null {
  if (isFinal(s)) return s === 'finalized' ? 'finalized' : null;
  if (s === 'judge_failed') return 'pipeline_done';
  if (s === 'rate_limited' || s === 'infra_failed' || s === 'interrupted') return 'pending';
  return s;
}

/**
 * What a run in state `s` is doing (or waits to do) next, for people: a run whose state is
 * `prompt_written` is running its agent. States name what is done; this names what is under way.
 */
export function runActivity(s: RunState): string {
  switch (s) {
    case 'pending':
      return 'creating workspace';
    case 'workspace_ready':
      return 'committing configuration';
    case 'config_committed':
      return 'writing prompt';
    case 'prompt_written':
      return 'running agent';
    case 'agent_done':
      return 'capturing diff';
    case 'diff_captured':
      return 'running build pipeline';
    case 'pipeline_done':
      return 'judging';
    case 'judged':
      return 'finalizing';
    case 'finalized':
      return 'removing workspace';
    case 'cleaned':
      return 'done';
    case 'rate_limited':
      return 'rate limited, to redo';
    case 'infra_failed':
      return 'infrastructure failure, to redo';
    case 'interrupted':
      return 'interrupted, to redo';
    case 'judge_failed':
      return 'judges failed, to re-judge';
  }
}
