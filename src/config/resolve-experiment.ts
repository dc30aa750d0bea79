// Builds the ExperimentConfig from CLI options > --config file > test.yaml > defaults.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { resolveModelAlias } from '../agent/models.js';
import { ConfigError } from '../errors.js';
import {
  DEFAULTS,
  ExperimentConfigSchema,
  NETWORK_MODES,
  SANDBOX_MODES,
  TierIdSchema,
  type ExperimentConfig,
} from './experiment-config.js';
import { loadYamlFile, type YamlSource } from './load-yaml.js';

/** The `--config` experiment YAML (keys of the original plus ours). */
export const ExperimentFileSchema = z
  .object({
    experiment_id: z.string().optional(),
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

function testLevelConfig(dir: string): ExperimentFile {
  const file = join(dir, 'config.yaml');
  return existsSync(file) ? loadYamlFile(file, TestLevelConfigSchema).value : {};
}

/** Options as given on the command line (undefined = not given). */
export interface RunCliOptions {
  tiersDir: string;
  config?: string;
  repo?: string;
  commit?: string;
  prompt?: string;
  experimentId?: string;
  tiers?: string[];
  runs?: number;
  parallel?: number;
  parallelRuns?: number;
  parallelJudges?: number;
  maxWorkspaces?: number;
  adaptive?: boolean;
  maxWait?: number;
  rateLimitWait?: number;
  keepFailedWorkspaces?: boolean;
  useUserAuth?: boolean;
  agentArgs?: string[];
  timeout?: number;
  maxSubtests?: number;
  maxTurns?: number;
  model?: string;
  judgeModels?: string[];
  judgeTransport?: 'api' | 'cli';
  judgeTimeout?: number;
  agent?: string;
  agentBin?: string;
  thinking?: 'off' | 'low' | 'high' | 'max';
  maxCostUsd?: number;
  resultsDir?: string;
  keepWorkspaces?: boolean;
  sandbox?: (typeof SANDBOX_MODES)[number];
}

/** What the experiment needs of a loaded test case. */
export interface TestCaseInputs {
  dir: string;
  spec: {
    id: string;
    language?: string;
    source?: { repo?: string; hash?: string };
    task?: { timeout_seconds?: number; max_turns?: number };
    tiers?: string[];
    runs_per_tier?: number;
  };
  promptFile: string;
  criteriaFile?: string;
  rubricFile?: string;
  referencePatch?: string;
  resourcesDir?: string;
}

const sha = (file: string | null) =>
  file && existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;

/** Resolve a repo given relative to `base` unless it is a URL or absolute. */
function resolveRepo(repo: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/]+@[^:]+:/.test(repo) || isAbsolute(repo)) return repo;
  return resolve(base, repo);
}

/** Merge the layers into one validated ExperimentConfig. */
export function resolveExperimentConfig(
  cli: RunCliOptions,
  tc: TestCaseInputs,
  cwd = process.cwd(),
): ExperimentConfig {
  const loaded = cli.config ? loadYamlFile(resolve(cwd, cli.config), ExperimentFileSchema) : null;
  const file: ExperimentFile = { ...testLevelConfig(tc.dir), ...(loaded?.value ?? {}) };
  const fileDir = cli.config ? dirname(resolve(cwd, cli.config)) : cwd;
  const repoRaw = cli.repo ?? file.task_repo ?? tc.spec.source?.repo;
  if (!repoRaw)
    throw new ConfigError(
      'no task repository: set source.repo in test.yaml, task_repo in --config, or --repo',
      {
        file: resolve(tc.dir, 'test.yaml'),
        field: 'source.repo',
      },
    );
  const repo = cli.repo
    ? resolveRepo(cli.repo, cwd)
    : file.task_repo
      ? resolveRepo(file.task_repo, fileDir)
      : resolveRepo(repoRaw, tc.dir);
  const promptFile = cli.prompt
    ? resolve(cwd, cli.prompt)
    : file.task_prompt_file
      ? resolve(fileDir, file.task_prompt_file)
      : tc.promptFile;
  if (!existsSync(promptFile)) throw new ConfigError('prompt file not found', { file: promptFile });
  const tiers = (cli.tiers ?? file.tiers ?? file.tiers_to_run ?? tc.spec.tiers ?? DEFAULTS.tiers).map((t) => {
    const r = TierIdSchema.safeParse(t);
    if (!r.success) throw new ConfigError(`unknown tier '${t}' (expected T0..T6)`, { field: 'tiers' });
    return r.data;
  });
  const judgeModels = cli.judgeModels?.length
    ? cli.judgeModels
    : (file.judge_models ?? (file.judge_model ? [file.judge_model] : DEFAULTS.judgeModels));
  const criteriaFile = tc.criteriaFile ?? null;
  const rubricFile = tc.rubricFile ?? null;
  const referencePatch = tc.referencePatch ?? null;
  const config: ExperimentConfig = {
    experimentId: cli.experimentId ?? file.experiment_id ?? tc.spec.id ?? 'experiment',
    tiersDir: resolve(cwd, cli.tiersDir),
    repo,
    commit: cli.commit ?? file.task_commit ?? tc.spec.source?.hash ?? null,
    promptFile,
    criteriaFile,
    rubricFile,
    referencePatch,
    resourcesDir: tc.resourcesDir ?? null,
    language: file.language ?? tc.spec.language ?? 'other',
    tiers: [...new Set(tiers)],
    runs: cli.runs ?? file.runs_per_subtest ?? tc.spec.runs_per_tier ?? DEFAULTS.runs,
    parallel: cli.parallel ?? file.parallel ?? file.parallel_subtests ?? DEFAULTS.parallel,
    parallelRuns: cli.parallelRuns ?? file.parallel_runs ?? 1,
    parallelJudges: cli.parallelJudges ?? file.parallel_judges ?? null,
    maxWorkspaces: cli.maxWorkspaces ?? file.max_workspaces ?? null,
    adaptive: cli.adaptive ?? file.adaptive ?? true,
    maxWaitSeconds: cli.maxWait ?? file.max_wait_seconds ?? null,
    rateLimitWaitSeconds: cli.rateLimitWait ?? file.rate_limit_wait_seconds ?? 60,
    keepFailedWorkspaces: cli.keepFailedWorkspaces ?? false,
    useUserAuth: cli.useUserAuth ?? false,
    agentArgs: cli.agentArgs ?? file.agent_args ?? [],
    timeoutSeconds:
      cli.timeout ?? file.timeout_seconds ?? tc.spec.task?.timeout_seconds ?? DEFAULTS.timeoutSeconds,
    maxSubtests: cli.maxSubtests ?? file.max_subtests ?? null,
    maxTurns: cli.maxTurns ?? file.max_turns ?? tc.spec.task?.max_turns ?? null,
    model: resolveModelAlias(cli.model ?? file.model ?? file.models?.[0] ?? DEFAULTS.model),
    judgeModels: judgeModels.map(resolveModelAlias),
    judgeTransport: cli.judgeTransport ?? file.judge_transport ?? DEFAULTS.judgeTransport,
    judgeTimeoutSeconds: cli.judgeTimeout ?? file.judge_timeout_seconds ?? DEFAULTS.judgeTimeoutSeconds,
    agent: cli.agent ?? file.agent ?? DEFAULTS.agent,
    agentBin: cli.agentBin ?? null,
    thinking: cli.thinking ?? file.thinking ?? null,
    maxCostUsd: cli.maxCostUsd ?? file.max_cost_usd ?? null,
    resultsDir: resolve(cwd, cli.resultsDir ?? file.results_dir ?? DEFAULTS.resultsDir),
    keepWorkspaces: cli.keepWorkspaces ?? false,
    ...sandboxSettings(file, loaded?.source, fileDir, cli.sandbox),
    sandboxStatus: null,
    inputsSha256: {
      prompt: sha(promptFile),
      criteria: sha(criteriaFile),
      rubric: sha(rubricFile),
      referencePatch: sha(referencePatch),
    },
  };
  const parsed = ExperimentConfigSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ConfigError(i.message, { field: i.path.join('.') });
  }
  return parsed.data;
}

/**
 * The sandbox keys of the experiment file: read-only paths made absolute against the file and
 * checked to exist, and `network_allow` without `network: allowlist` refused, each a ConfigError
 * naming the file and line.
 */
function sandboxSettings(
  file: ExperimentFile,
  source: YamlSource | undefined,
  fileDir: string,
  cliSandbox: ExperimentConfig['sandbox'] | undefined,
): Pick<ExperimentConfig, 'sandbox' | 'network' | 'networkAllow' | 'sandboxReadOnly' | 'sandboxWritable'> {
  const where = (path: (string | number)[]) => ({
    file: source?.file,
    line: source?.lineOf(path),
    field: path.join('.'),
  });
  if (file.network_allow?.length && file.network !== 'allowlist')
    throw new ConfigError('network_allow needs network: allowlist', where(['network_allow']));
  const existing = (key: 'sandbox_read_only' | 'sandbox_writable', what: string) =>
    (file[key] ?? []).map((p, i) => {
      const abs = resolve(fileDir, p);
      if (!existsSync(abs)) throw new ConfigError(`${what} path ${abs} does not exist`, where([key, i]));
      return abs;
    });
  return {
    sandbox: cliSandbox ?? file.sandbox ?? 'auto',
    network: file.network ?? 'open',
    networkAllow: file.network_allow ?? [],
    sandboxReadOnly: existing('sandbox_read_only', 'read-only'),
    sandboxWritable: existing('sandbox_writable', 'writable'),
  };
}
