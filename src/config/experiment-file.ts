// The experiment YAML a user writes (`--config FILE`) and the run settings a test case's own
// `config.yaml` may carry (the original's test-level overrides, which it never read).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ExperimentIdSchema, NETWORK_MODES, SANDBOX_MODES, TierIdSchema } from './experiment-config.js';
import { loadYamlFile } from './load-yaml.js';
import type { Problem } from '../problem.js';
import { unknownKeyWarnings } from './unknown-keys.js';

/** The `--config` experiment YAML (keys of the original plus ours). */
export const ExperimentFileSchema = z
  .object({
    experiment_id: ExperimentIdSchema.optional(),
    task_repo: z.string().optional(),
    task_commit: z.string().optional(),
    task_prompt_file: z.string().optional(),
    runs_per_subtest: z.number().int().min(1).optional(),
    tiers: z.array(TierIdSchema).optional(),
    tiers_to_run: z.array(TierIdSchema).optional(),
    models: z.array(z.string()).min(1).optional(),
    model: z.string().optional(),
    judge_models: z.array(z.string()).min(1).optional(),
    judge_model: z.string().optional(),
    judge_transport: z.enum(['api', 'cli']).optional(),
    judge_timeout_seconds: z.number().positive().optional(),
    parallel: z.number().int().min(1).optional(),
    parallel_runs: z.number().int().min(1).optional(),
    parallel_judges: z.number().int().min(1).optional(),
    max_workspaces: z.number().int().min(1).optional(),
    adaptive: z.boolean().optional(),
    max_wait_seconds: z.number().positive().optional(),
    rate_limit_wait_seconds: z.number().positive().optional(),
    parallel_subtests: z.number().int().min(1).optional(),
    timeout_seconds: z.number().positive().optional(),
    max_turns: z.number().int().min(1).optional(),
    max_subtests: z.number().int().min(1).optional(),
    max_cost_usd: z.number().positive().optional(),
    thinking: z.enum(['off', 'low', 'high', 'max']).optional(),
    agent: z.string().optional(),
    results_dir: z.string().optional(),
    language: z.string().optional(),
    tiebreaker_model: z.string().optional(),
    agent_args: z.array(z.string()).optional(),
    sandbox: z.enum(SANDBOX_MODES).optional(),
    network: z.enum(NETWORK_MODES).optional(),
    network_allow: z.array(z.string().min(1)).optional(),
    /** Directories or files every sandboxed process may read too; relative to this file. */
    sandbox_read_only: z.array(z.string().min(1)).optional(),
    /** Directories the agent and the pipeline may write too (a shared cache); relative to this file. */
    sandbox_writable: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type ExperimentFile = z.infer<typeof ExperimentFileSchema>;

/**
 * The test case's own `config.yaml` next to test.yaml (the original's test-level overrides, which it
 * never read): a layer between test.yaml and `--config`. Only run settings are taken from it; other
 * keys (the original's fixtures carry assorted ones) are ignored, never an error.
 */
export const TestLevelConfigSchema = ExperimentFileSchema.pick({
  timeout_seconds: true,
  max_cost_usd: true,
  max_turns: true,
  thinking: true,
  runs_per_subtest: true,
  judge_models: true,
  models: true,
}).strip();

/** Keys of the test-level config.yaml that are read. */
const TEST_LEVEL_KEYS = Object.keys(TestLevelConfigSchema.shape);

/**
 * `<testCaseDir>/config.yaml`, if there is one: its run settings, and a warning for every other key.
 * A malformed value is a ConfigError naming file, line, field and value.
 */
export function loadTestLevelConfig(
  dir: string,
): { file: string; value: ExperimentFile; warnings: Problem[] } | null {
  const file = join(dir, 'config.yaml');
  if (!existsSync(file)) return null;
  const { value, source } = loadYamlFile(file, TestLevelConfigSchema);
  const warnings = unknownKeyWarnings(
    source,
    source.data,
    TEST_LEVEL_KEYS,
    [],
    `not read from a test case's config.yaml (it sets ${TEST_LEVEL_KEYS.join(', ')}; use --config for the rest)`,
  );
  return { file, value, warnings };
}
