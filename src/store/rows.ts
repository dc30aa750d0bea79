// The rows of scylla.db as typed values: every read of the store is parsed with these schemas, so a
// caller never sees a bare string where a kind is meant.
import { z } from 'zod';
import { AgentOutcomeSchema, RunFailureSchema, StopReasonSchema } from '../outcomes.js';
import { RunStateSchema } from './run-state.js';

/** Experiment status as stored. */
export const ExperimentStatusSchema = z.enum([
  'running',
  'completed',
  'interrupted',
  'failed',
  'budget_exhausted',
]);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return schema.parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON of the expected shape' });
      return z.NEVER;
    }
  });

/** The experiment row (there is one). */
export const ExperimentRowSchema = z.object({
  experiment_id: z.string(),
  config_json: z.string(),
  config_hash: z.string(),
  status: ExperimentStatusSchema,
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  owner_pid: z.number().int().nullable(),
  heartbeat_at: z.string().nullable(),
  scylla_version: z.string(),
  /** Why the last invocation stopped early (null: it did not, or it is still running). */
  stop_reason: json(StopReasonSchema).nullable(),
  /** The judge set reports and stats follow (1 = the judges of the runs themselves). */
  current_judge_set: z.number().int(),
});
export type ExperimentRow = z.infer<typeof ExperimentRowSchema>;

/** One run row: its current attempt's state and results. */
export const RunRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  state: RunStateSchema,
  attempt: z.number().int(),
  failure: RunFailureSchema.nullable(),
  failure_detail: z.string().nullable(),
  branch: z.string().nullable(),
  base_commit: z.string().nullable(),
  config_commit: z.string().nullable(),
  agent_commit: z.string().nullable(),
  /** How the agent of this attempt ended (null before it ran). */
  agent_outcome: AgentOutcomeSchema.nullable(),
  passed: z.number().int().nullable(),
  score: z.number().nullable(),
  grade: z.string().nullable(),
  cost_usd: z.number().nullable(),
  agent_duration_ms: z.number().nullable(),
  judge_duration_ms: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finalized_at: z.string().nullable(),
});
export type RunRow = z.infer<typeof RunRowSchema>;

/** Columns a transition may set alongside the new state. */
export type RunPatch = Partial<
  Pick<
    RunRow,
    | 'failure'
    | 'failure_detail'
    | 'branch'
    | 'base_commit'
    | 'config_commit'
    | 'agent_commit'
    | 'agent_outcome'
    | 'passed'
    | 'score'
    | 'grade'
    | 'cost_usd'
    | 'agent_duration_ms'
    | 'judge_duration_ms'
    | 'finalized_at'
    | 'attempt'
  >
>;

/** One stage transition of a run. */
export const TransitionRowSchema = z.object({
  from_state: RunStateSchema.nullable(),
  to_state: RunStateSchema,
  at: z.string(),
  detail: z.string().nullable(),
});
export type TransitionRow = z.infer<typeof TransitionRowSchema>;

/** Why a judge produced no score (mirrors the judge layer's kinds; stored as text). */
export const StoredJudgeFailureSchema = z.enum(['unparseable', 'judge_error']);

/** A stored judgment of one judge on one run attempt. */
export const JudgmentRowSchema = z.object({
  /** Which judging this belongs to: 1 = when the run was made, 2.. = re-judgings. */
  judge_set: z.number().int(),
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  attempt: z.number().int(),
  judge_number: z.number().int(),
  model: z.string(),
  valid: z.number().int(),
  failure: StoredJudgeFailureSchema.nullable(),
  score: z.number().nullable(),
  passed: z.number().int().nullable(),
  grade: z.string().nullable(),
  json: z.string(),
  created_at: z.string(),
});
export type JudgmentRow = z.infer<typeof JudgmentRowSchema>;

/** A rate-limit pause: when it began, until when it was to last, when it really ended. */
export const PauseRowSchema = z.object({
  id: z.number().int(),
  source: z.enum(['agent', 'judge']),
  kind: z.enum(['rate_limit', 'overloaded', 'usage_cap']),
  started_at: z.string(),
  until: z.string(),
  ended_at: z.string().nullable(),
  reason: z.string().nullable(),
});
export type PauseRow = z.infer<typeof PauseRowSchema>;

/** A subtest's resolved configuration as recorded when its runs were planned. */
export const SubtestRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  fingerprint: z.string(),
  resolved_json: z.string(),
});
export type SubtestRow = z.infer<typeof SubtestRowSchema>;

/** A discarded attempt of a run (rate limited, infrastructure failure, interrupted, or re-run). */
export const AttemptRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  attempt: z.number().int(),
  state: RunStateSchema,
  failure: RunFailureSchema.nullable(),
  cost_usd: z.number().nullable(),
  discarded_at: z.string(),
  reason: z.string(),
});
export type AttemptRow = z.infer<typeof AttemptRowSchema>;

/** The winner a tier group handed to the next one (null subtest: the group had none). */
export const GroupWinnerRowSchema = z.object({
  tier: z.string().nullable(),
  subtest: z.string().nullable(),
});

/** A process a run attempt started (its group leader), until it is known to have ended. */
export const ProcessRowSchema = z.object({
  id: z.number().int(),
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  attempt: z.number().int(),
  pid: z.number().int(),
  /** Start time in clock ticks since boot (/proc/PID/stat), to tell a reused pid from ours. */
  start_ticks: z.number().int().nullable(),
  role: z.enum(['agent', 'pipeline', 'judge', 'mcp']),
  started_at: z.string(),
  ended_at: z.string().nullable(),
});
export type ProcessRow = z.infer<typeof ProcessRowSchema>;

/** One judging of the experiment's runs: set 1 at run time, 2.. by `scylla rerun --judges`. */
export const JudgeSetRowSchema = z.object({
  id: z.number().int(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  /** What this set used: judge models, rubric / criteria digests, whether the build pipeline re-ran. */
  spec_json: z.string(),
  rerun_id: z.number().int().nullable(),
});
export type JudgeSetRow = z.infer<typeof JudgeSetRowSchema>;

/** A run's consensus in one judge set. */
export const VerdictRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  judge_set: z.number().int(),
  attempt: z.number().int(),
  valid: z.number().int(),
  passed: z.number().int().nullable(),
  score: z.number().nullable(),
  grade: z.string().nullable(),
  judge_duration_ms: z.number().nullable(),
  created_at: z.string(),
});
export type VerdictRow = z.infer<typeof VerdictRowSchema>;

/** A `scylla rerun`: what was asked, by whom, how many runs, how it ended. */
export const RerunRowSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['judges', 'agents', 'pipeline']),
  request_json: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  user: z.string().nullable(),
  host: z.string().nullable(),
  pid: z.number().int().nullable(),
  selected: z.number().int(),
  status: z.enum(['running', 'completed', 'interrupted', 'failed']),
  judge_set: z.number().int().nullable(),
});
export type RerunRow = z.infer<typeof RerunRowSchema>;
