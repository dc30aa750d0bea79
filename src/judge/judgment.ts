// The Judgment: one judge's outcome for one run, valid (a score) or invalid (an explicit failure kind).
import { z } from 'zod';

const unit = z.number().min(0).max(1);

/** Why a judge produced no score. A broken judge is never a score. */
export const JudgeFailureSchema = z.enum(['unparseable', 'judge_error']);
export type JudgeFailure = z.output<typeof JudgeFailureSchema>;

/** A judge's score for one rubric item; `score: null` means not applicable. */
export const CriterionScoreSchema = z.object({ score: unit.nullable(), explanation: z.string() });

export const JudgmentSchema = z.object({
  /** Judge model as requested. */
  model: z.string(),
  /** True when the judge gave a usable verdict. */
  valid: z.boolean(),
  /** Null when valid; otherwise why not: the reply never parsed, or the call kept failing. */
  failure: JudgeFailureSchema.nullable(),
  /**
   * The score that counts, 0..1: recomputed from the per-item scores with the rubric's weights when
   * the judge scored every rubric item, else the judge's own overall score. Null when invalid.
   */
  score: unit.nullable(),
  /** Where `score` came from. */
  scoreSource: z.enum(['rubric_items', 'judge']).nullable(),
  /** The overall score as the judge stated it. */
  judgeScore: unit.nullable(),
  /** `score ≥ rubric pass_threshold`. Null when invalid. */
  passed: z.boolean().nullable(),
  /** The `passed` the judge stated (informational; `passed` is what counts). */
  judgePassed: z.boolean().nullable(),
  /** Letter grade from `score` with the rubric's scale. Null when invalid. */
  grade: z.string().nullable(),
  /** The judge's reasoning, or what went wrong for an invalid judgment. */
  reasoning: z.string(),
  /** Per rubric item id, as the judge scored it. */
  criteria: z.record(z.string(), CriterionScoreSchema),
  /** Calls made (1 + retries). */
  attempts: z.number().int().min(0),
  /** The last raw reply text ('' when no call returned). */
  raw: z.string(),
  /** Wall time over all attempts. */
  durationMs: z.number().min(0),
  /** Tokens summed over all attempts. */
  usage: z.object({ inputTokens: z.number().min(0), outputTokens: z.number().min(0) }),
});

/** One judge's outcome for one run. */
export type Judgment = z.output<typeof JudgmentSchema>;
