// The experiment configuration: one resolved object from CLI flags > --config file > test.yaml > defaults,
// and the hash of the parts that define what a result means.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const TIER_IDS = ['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6'] as const;
export const TierIdSchema = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(TIER_IDS));

/**
 * An experiment id (test.yaml `id`, `experiment_id`, `--experiment-id`): it names the experiment
 * directory and its branches, so it is a plain name.
 */
export const ExperimentIdSchema = z
  .string()
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'letters, digits, ".", "_" and "-" only, starting with a letter or digit',
  );
/** `--sandbox`: `auto` sandboxes every run where bubblewrap works and says so where it does not. */
export const SANDBOX_MODES = ['auto', 'bwrap', 'none'] as const;
/** What a sandboxed run's network may reach (`allowlist` needs a filtering proxy; see the README). */
export const NETWORK_MODES = ['open', 'allowlist'] as const;

/** Built-in defaults (spec §2). */
export const DEFAULTS = {
  tiers: ['T0', 'T1'] as string[],
  runs: 10,
  parallel: 4,
  timeoutSeconds: 3600,
  model: 'claude-sonnet-4-5-20250929',
  judgeModels: ['claude-opus-4-5-20251101'],
  judgeTransport: 'api' as const,
  judgeTimeoutSeconds: 600,
  resultsDir: 'results',
  agent: 'claude-code',
};

/** The experiment as resolved; saved as experiment.json and in the store. */
export const ExperimentConfigSchema = z.object({
  experimentId: ExperimentIdSchema,
  tiersDir: z.string(),
  repo: z.string().min(1),
  commit: z.string().nullable(),
  promptFile: z.string(),
  criteriaFile: z.string().nullable(),
  rubricFile: z.string().nullable(),
  referencePatch: z.string().nullable(),
  resourcesDir: z.string().nullable(),
  /** Shared subtests `tN/NN-name.yaml` for tiers the test case has no `tN/` directory of. */
  subtestsDir: z.string().nullable().default(null),
  /** `--subtests`: only these subtests (`T4/08`) or whole tiers (`T2`); null = every subtest. */
  subtests: z.array(z.string()).nullable().default(null),
  /** `--skip-agent-teams`: leave out subtests with `agent_teams: true`. */
  skipAgentTeams: z.boolean().default(false),
  /** Tier names and descriptions from the shared tiers.yaml, for the reports. */
  tierLabels: z
    .record(z.string(), z.object({ name: z.string().optional(), description: z.string().optional() }))
    .default({}),
  language: z.string(),
  tiers: z.array(z.enum(TIER_IDS)).min(1),
  runs: z.number().int().min(1),
  parallel: z.number().int().min(1),
  /** Runs of one subtest at once (default 1: in order). */
  parallelRuns: z.number().int().min(1).default(1),
  /** Judge calls at once (default: --parallel). */
  parallelJudges: z.number().int().min(1).nullable().default(null),
  /** Live worktrees at most (default: 2 × --parallel). */
  maxWorkspaces: z.number().int().min(1).nullable().default(null),
  /** Halve the agent slots after a rate limit and ramp back up (default true). */
  adaptive: z.boolean().default(true),
  /** Longest rate-limit pause to sit out, in seconds; longer ones stop the experiment (resumable). */
  maxWaitSeconds: z.number().positive().nullable().default(null),
  /** Wait after a rate limit whose reset time nobody stated (default 60 s). */
  rateLimitWaitSeconds: z.number().positive().default(60),
  timeoutSeconds: z.number().positive(),
  maxSubtests: z.number().int().min(1).nullable(),
  maxTurns: z.number().int().min(1).nullable(),
  model: z.string().min(1),
  judgeModels: z.array(z.string().min(1)).min(1),
  judgeTransport: z.enum(['api', 'cli']),
  judgeTimeoutSeconds: z.number().positive(),
  agent: z.string(),
  agentBin: z.string().nullable(),
  /** Extra arguments appended to the agent's command line (e.g. `--fallback-model X`). */
  agentArgs: z.array(z.string()).default([]),
  thinking: z.enum(['off', 'low', 'high', 'max']).nullable(),
  maxCostUsd: z.number().positive().nullable(),
  resultsDir: z.string(),
  keepWorkspaces: z.boolean(),
  /** Keep worktrees of runs that did not pass. */
  keepFailedWorkspaces: z.boolean().default(false),
  /** Use the user's Claude login (credentials copied read-only per run) instead of an API key. */
  useUserAuth: z.boolean().default(false),
  /** Sandbox of every process of a run (agent, MCP servers, build pipeline, CLI judge). */
  sandbox: z.enum(SANDBOX_MODES).default('auto'),
  network: z.enum(NETWORK_MODES).default('open'),
  /** Hosts a run may reach with `network: allowlist` (the model endpoint always). */
  networkAllow: z.array(z.string()).default([]),
  /** Extra directories or files every sandboxed process may read (absolute; they exist). */
  sandboxReadOnly: z.array(z.string()).default([]),
  /** Extra directories the agent and the pipeline may write (absolute; they exist). */
  sandboxWritable: z.array(z.string()).default([]),
  /** The sandbox runs got when this experiment started (`reason`: why they are not sandboxed). */
  sandboxStatus: z
    .object({ kind: z.enum(['bwrap', 'none']), reason: z.string().nullable() })
    .nullable()
    .default(null),
  /** sha256 of prompt, criteria, rubric and reference patch contents (what the judge and agent see). */
  inputsSha256: z.record(z.string(), z.string().nullable()),
});
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>;

/** Keys that define what a result means. Tiers, runs, parallelism and paths may change on resume. */
export const HASHED_KEYS = [
  'experimentId',
  'repo',
  'commit',
  'language',
  'timeoutSeconds',
  'maxTurns',
  'model',
  'judgeModels',
  'judgeTransport',
  'agent',
  'agentArgs',
  'thinking',
  'inputsSha256',
] as const satisfies readonly (keyof ExperimentConfig)[];

/** The hashed part of a config, as a plain object with sorted keys. */
export function hashedPart(c: ExperimentConfig): Record<string, unknown> {
  return Object.fromEntries([...HASHED_KEYS].sort().map((k) => [k, c[k]]));
}

/** Stable JSON: object keys sorted at every level (undefined values dropped, as JSON does). */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  ) as string | undefined;
  return text ?? 'null';
}

/** First 16 hex chars of sha256 over the hashed part. */
export function configHash(c: ExperimentConfig): string {
  return createHash('sha256')
    .update(canonicalJson(hashedPart(c)))
    .digest('hex')
    .slice(0, 16);
}

/** Human-readable list of hashed fields that differ between a stored and a new config. */
export function describeChanges(stored: Record<string, unknown>, next: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(next)])].sort();
  return keys
    .filter((k) => canonicalJson(stored[k]) !== canonicalJson(next[k]))
    .map((k) => `${k}: ${canonicalJson(stored[k])} → ${canonicalJson(next[k])}`);
}
