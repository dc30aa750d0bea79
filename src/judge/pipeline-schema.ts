// Data shapes of the build/lint/test pipeline: step status, step result and pipeline result (persisted as JSON).
import { z } from 'zod';

/**
 * How a step ended. `not_available` (the tool is not installed) and `skipped` (nothing to do, e.g. no
 * tests) are not failures; `timed_out` is.
 */
export const StepStatusSchema = z.enum(['passed', 'failed', 'not_available', 'timed_out', 'skipped']);

/** How a step ended. */
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** One step as it ran (or why it did not). */
export const PipelineStepSchema = z.object({
  /** Step name, unique within the pipeline, e.g. `pytest`. */
  name: z.string().min(1),
  /** The shell text that runs the step (also in its saved script). */
  command: z.string(),
  status: StepStatusSchema,
  /** Exit code of the step's script; null when it did not run or was killed. */
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** Combined stdout + stderr, truncated with a marker; for steps that did not run, the reason. */
  output: z.string(),
  /** Set by `compareWithBaseline`: the step fails on the unchanged base commit too. */
  preExisting: z.boolean().optional(),
});

/** One step as it ran. */
export type PipelineStep = z.infer<typeof PipelineStepSchema>;

/** The whole pipeline of one workspace (a run's worktree or the experiment's baseline). */
export const PipelineResultSchema = z.object({
  /** Language whose default pipeline was used (`other` when only declared steps ran). */
  language: z.string(),
  steps: z.array(PipelineStepSchema),
  /** Every step passed, was not available or was skipped (a pre-existing failure still counts as failed). */
  allPassed: z.boolean(),
  /** One line, e.g. `2 passed, 1 failed (pytest), 1 not available (ruff)`. */
  summary: z.string(),
});

/** The whole pipeline of one workspace. */
export type PipelineResult = z.infer<typeof PipelineResultSchema>;

/** A failing end of a step (what a baseline comparison looks for). */
export function isFailure(status: StepStatus): boolean {
  return status === 'failed' || status === 'timed_out';
}
