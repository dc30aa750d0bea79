// The `test.yaml` schema of a test case (spec §1.2): known keys typed, unknown top-level keys tolerated.
import { z } from 'zod';
import { ExperimentIdSchema, TierIdSchema } from './experiment-config.js';

/** Languages with a known build/lint/test pipeline; `other` runs only the test.yaml `pipeline`. */
export const LANGUAGES = ['python', 'typescript', 'javascript', 'mojo', 'other'] as const;

/** Where the task repository comes from. */
export const TestSourceSchema = z.strictObject({
  /** URL, `file://` URL or local path; a relative path is resolved against the test-case dir on load. */
  repo: z.string().min(1),
  /** Commit to check out (7–40 hex digits). */
  hash: z
    .string()
    .regex(/^[0-9a-fA-F]{7,40}$/, 'a commit sha of 7 to 40 hex digits')
    .optional(),
  /** Informational only. */
  branch: z.string().optional(),
});

/** The task given to the agent. */
export const TestTaskSchema = z.strictObject({
  /** Prompt file, relative to the test-case dir. */
  prompt_file: z.string().min(1).default('prompt.md'),
  timeout_seconds: z.number().int().positive().optional(),
  max_turns: z.number().int().positive().optional(),
});

/** Grading inputs; paths are relative to the test-case dir. */
export const TestValidationSchema = z.looseObject({
  criteria_file: z.string().min(1).optional(),
  rubric_file: z.string().min(1).optional(),
  reference_patch: z.string().min(1).optional(),
});

/** One command of a custom build/lint/test pipeline (overrides the language pipeline). */
export const PipelineStepSchema = z.strictObject({
  name: z.string().min(1),
  run: z.string().min(1),
});

/** Keys of test.yaml this version understands; others produce a warning. */
export const TEST_YAML_KEYS = [
  'id',
  'name',
  'description',
  'language',
  'source',
  'task',
  'tiers',
  'runs_per_tier',
  'resources_dir',
  'subtests_dir',
  'validation',
  'pipeline',
  'models',
  'tags',
  'evaluation',
] as const;

/** `test.yaml` as written by users (and by the original system's fixtures). */
export const TestCaseSpecSchema = z.looseObject({
  /** Test-case id; the default experiment id (so a plain name). */
  id: ExperimentIdSchema,
  name: z.string().optional(),
  description: z.string().optional(),
  /** Chooses the build/lint/test pipeline; case-insensitive. */
  language: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(LANGUAGES))
    .default('other'),
  /** Optional because `--repo` / the experiment config may supply the repository. */
  source: TestSourceSchema.optional(),
  task: TestTaskSchema.prefault({}),
  /** Tiers to run by default (T0..T6, any case; normalised to upper case). */
  tiers: z.array(TierIdSchema).optional(),
  runs_per_tier: z.number().int().positive().optional(),
  /** Shared resource library (blocks, skills, agents), relative to the test-case dir. */
  resources_dir: z.string().min(1).optional(),
  /**
   * Shared subtests `tN/NN-name.yaml` (the original's later layout), relative to the test-case dir; used
   * for every tier without its own `tN/` directory. Default: `<resources_dir>/subtests`.
   */
  subtests_dir: z.string().min(1).optional(),
  validation: TestValidationSchema.prefault({}),
  pipeline: z.array(PipelineStepSchema).optional(),
  /** Per-tier model overrides or a model list; accepted, unused. */
  models: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
  tags: z.array(z.string()).optional(),
  /** Accepted for compatibility with the original fixtures, unused. */
  evaluation: z.record(z.string(), z.unknown()).optional(),
});

/** A parsed `test.yaml`. */
export type TestCaseSpec = z.output<typeof TestCaseSpecSchema>;
