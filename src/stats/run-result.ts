// run_result.json: the complete, final record of one run (written once at finalize, never modified), the
// input every statistic and report reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentOutcomeSchema } from '../outcomes.js';

const CriterionSchema = z.object({ score: z.number().nullable(), explanation: z.string() });

export const RunResultSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run_number: z.number().int(),
  attempt: z.number().int(),
  agent_failure: AgentOutcomeSchema,
  exit_code: z.number().nullable(),
  model: z.string(),
  token_stats: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_tokens: z.number(),
    cache_read_tokens: z.number(),
  }),
  tokens_input: z.number(),
  tokens_output: z.number(),
  num_turns: z.number(),
  cost_usd: z.number(),
  cost_source: z.string(),
  duration_seconds: z.number(),
  agent_duration_seconds: z.number(),
  judge_duration_seconds: z.number(),
  judge_score: z.number(),
  judge_passed: z.boolean(),
  judge_grade: z.string(),
  judge_reasoning: z.string(),
  judges: z.array(
    z.object({
      judge_number: z.number().int(),
      model: z.string(),
      valid: z.boolean(),
      failure: z.string().nullable(),
      score: z.number().nullable(),
      passed: z.boolean().nullable(),
      grade: z.string().nullable(),
      reasoning: z.string(),
    }),
  ),
  criteria_scores: z.record(
    z.string(),
    z.object({ score: z.number().nullable(), explanations: z.array(z.string()) }),
  ),
  agreement: z.record(z.string(), z.unknown()),
  pipeline: z.object({ all_passed: z.boolean(), summary: z.string() }).nullable(),
  branch: z.string(),
  base_commit: z.string(),
  config_commit: z.string(),
  agent_commit: z.string(),
  finalized_at: z.string(),
  /** The sandbox the run's processes ran in (absent in runs finalized before sandboxing existed). */
  sandbox: z
    .object({
      kind: z.enum(['bwrap', 'none']),
      reason: z.string().optional(),
      network: z.string(),
      writable: z.array(z.string()),
      readOnly: z.array(z.string()),
      hidden: z.array(z.string()),
    })
    .nullable()
    .optional(),
});
export type RunResult = z.infer<typeof RunResultSchema>;
export { CriterionSchema };

/** Load a run's run_result.json; null if absent or invalid. */
export function loadRunResult(runDir: string): RunResult | null {
  const f = join(runDir, 'run_result.json');
  // A missing file is one of the failures caught: no existence check first (10,000 runs, 10,000 stats).
  try {
    const r = RunResultSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
