// What travels through the queue, as zod schemas (the one source of their types): the job (one run
// and everything a worker needs to run it, never a key), the entries a worker appends to its job's
// log (stage outputs, the start of a redone attempt, rate limits), the job's return value, the
// progress doorbell and the control word the coordinator broadcasts.
import { z } from 'zod';
import { ExperimentConfigSchema } from '../config/experiment-config.js';
import { RubricSchema } from '../config/rubric.js';
import { ResolvedConfigSchema } from '../fixture/resolved-config.js';
import { PipelineResultSchema } from '../judge/pipeline.js';
import type { RunEnd } from '../engine/context.js';
import { JudgmentRowSchema, RunRowSchema } from '../store/rows.js';
import { RunStateSchema } from '../store/run-state.js';

/** One file of a payload: its path inside the run directory, mode, and (inline) its gzipped bytes. */
export const FileRefSchema = z.object({
  path: z.string().min(1),
  mode: z.number().int(),
  size: z.number().int().min(0),
  /** base64 of the gzipped content (inline transport); absent when it waits in the shared directory. */
  gz: z.string().optional(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

/** Files handed from one side to the other, and the run's commit as a git bundle. */
export const PayloadSchema = z.object({
  /** The shared-directory transport: the files are below `<shared-dir>/<dir>`. */
  dir: z.string().optional(),
  files: z.array(FileRefSchema),
  /** Paths removed from the run directory since the last payload. */
  deleted: z.array(z.string()).default([]),
  /** The run's branch at `commit`; `bundle` is null when `commit` is the base commit itself. */
  branch: z.object({ commit: z.string(), bundle: FileRefSchema.nullable() }).nullable().default(null),
});
export type Payload = z.infer<typeof PayloadSchema>;

/** Columns a transition may set (the store's RunPatch). */
export const RunPatchSchema = RunRowSchema.pick({
  failure: true,
  failure_detail: true,
  branch: true,
  base_commit: true,
  config_commit: true,
  agent_commit: true,
  agent_outcome: true,
  passed: true,
  score: true,
  grade: true,
  cost_usd: true,
  agent_duration_ms: true,
  judge_duration_ms: true,
  finalized_at: true,
  attempt: true,
}).partial();

export const NewJudgmentSchema = JudgmentRowSchema.omit({ created_at: true, judge_set: true });

export const JudgingOutcomeSchema = z.discriminatedUnion('valid', [
  z.object({
    valid: z.literal(true),
    passed: z.boolean(),
    score: z.number().nullable(),
    grade: z.string().nullable(),
    judgeDurationMs: z.number(),
  }),
  z.object({ valid: z.literal(false), judgeDurationMs: z.number() }),
]);

/** One store write of the run pipeline, as the worker's scratch store saw it; the coordinator replays it. */
export const ChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('transition'),
    from: RunStateSchema,
    to: RunStateSchema,
    patch: RunPatchSchema,
    detail: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('judging'),
    judgments: z.array(NewJudgmentSchema),
    outcome: JudgingOutcomeSchema,
  }),
]);
export type Change = z.infer<typeof ChangeSchema>;

const RateLimitedSchema = z.object({
  kind: z.literal('rate_limited'),
  retryAfterMs: z.number(),
  source: z.enum(['agent', 'judge']),
  limit: z.enum(['rate_limit', 'overloaded', 'usage_cap']),
  message: z.string(),
});

/** How a run ended (the engine's RunEnd). */
export const RunEndSchema: z.ZodType<RunEnd> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finalized'), passed: z.boolean(), score: z.number() }),
  RateLimitedSchema,
  z.object({ kind: z.literal('infra_failed'), message: z.string() }),
  z.object({ kind: z.literal('judge_failed'), message: z.string() }),
  z.object({ kind: z.literal('interrupted') }),
  z.object({ kind: z.literal('budget_exhausted') }),
  z.object({ kind: z.literal('not_started') }),
  z.object({ kind: z.literal('held') }),
]);

/**
 * Which attempt of the job may write, from which state: the coordinator's fence. A worker that
 * picks the job up (BullMQ's `attemptsStarted`) works only under a grant for its own attempt and
 * starts from `row`, with `restore` (files, the branch) and the judgments the coordinator holds.
 */
export const GrantSchema = z.object({
  jobAttempt: z.number().int().min(1),
  row: RunRowSchema,
  judgments: z.array(NewJudgmentSchema),
  restore: PayloadSchema.nullable(),
});
export type Grant = z.infer<typeof GrantSchema>;

/** A skill directory or agent file of the subtest, carried with the job (workers have no library). */
export const ResourceSchema = z.object({
  digest: z.string(),
  /** The file or directory name the link points at. */
  name: z.string(),
  files: z.array(FileRefSchema),
});

/** One job = one attempt of one run. */
export const JobDataSchema = z.object({
  v: z.literal(1),
  /** The experiment directory's name on the coordinator: unique per experiment, names scratch places. */
  expKey: z.string(),
  run: z.object({ tier: z.string(), subtest: z.string(), run: z.number().int() }),
  branch: z.string(),
  resolved: ResolvedConfigSchema,
  resources: z.array(ResourceSchema),
  /** The experiment's configuration (paths in it are the coordinator's; no key is ever in it). */
  config: ExperimentConfigSchema,
  inputs: z.object({
    prompt: z.string(),
    criteria: z.string().nullable(),
    referencePatch: z.string().nullable(),
    rubric: RubricSchema,
  }),
  /** The task repository (without credentials in a URL) and the experiment's base commit. */
  repo: z.object({ url: z.string(), commit: z.string() }),
  pipelineBaseline: PipelineResultSchema.nullable(),
  declaredPipeline: z.array(z.object({ name: z.string(), run: z.string() })).nullable(),
  until: RunStateSchema.nullable(),
  transport: z.enum(['inline', 'shared']),
  grant: GrantSchema,
});
export type JobData = z.infer<typeof JobDataSchema>;

/** An entry of a job's log (BullMQ `job.log`), appended by the worker holding it, in order. */
export const LogEntrySchema = z.discriminatedUnion('kind', [
  /** A redone job was picked up by attempt `jobAttempt`: it waits for its grant. */
  z.object({ kind: z.literal('start'), jobAttempt: z.number().int() }),
  /** Store writes since the last entry and the files they made durable. */
  z.object({
    kind: z.literal('stage'),
    jobAttempt: z.number().int(),
    changes: z.array(ChangeSchema).min(1),
    payload: PayloadSchema,
  }),
  /** A rate limit this worker saw (its run may go on: the CLI retries some itself). */
  z.object({
    kind: z.literal('rate_limit'),
    jobAttempt: z.number().int(),
    at: z.number(),
    limit: RateLimitedSchema,
  }),
]);
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** The job's return value: how the run ended on the worker. */
export const JobResultSchema = z.object({ jobAttempt: z.number().int(), end: RunEndSchema });
export type JobResult = z.infer<typeof JobResultSchema>;

/** The job's progress: a doorbell for the coordinator (the log holds the content). */
export const ProgressSchema = z.object({ entries: z.number().int(), state: RunStateSchema.nullable() });

/** The coordinator's word to every worker of a queue: stop softly (no new agent) or now. */
export const ControlSchema = z.object({ stop: z.enum(['soft', 'hard']).nullable() });
export type Control = z.infer<typeof ControlSchema>;
