// Builds the ExperimentConfig from CLI options > --config file > test.yaml > defaults.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { resolveModelAlias } from './model-aliases.js';
import { fileSha256 } from '../util/hash.js';
import { ConfigError, UsageError } from '../errors.js';
import {
  DEFAULTS,
  ExperimentConfigSchema,
  ExperimentIdSchema,
  SANDBOX_MODES,
  TierIdSchema,
  type ExperimentConfig,
} from './experiment-config.js';
import { ExperimentFileSchema, loadTestLevelConfig, type ExperimentFile } from './experiment-file.js';
import { readYamlFile, validateYaml, valueAt, type YamlSource } from './load-yaml.js';
import { localRepoProblem, repoPlaces } from './repo-places.js';
import { checkDirectory, readTextFile } from './text-file.js';
import { parseSelection, selectionKey, selectionTiers } from './subtest-selection.js';
import { loadTiersFile, tiersFileOf } from './tiers-file.js';

export { ExperimentFileSchema, TestLevelConfigSchema, type ExperimentFile } from './experiment-file.js';

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
  /** `--subtests T0/00,T4/08,T2` (already split on commas). */
  subtests?: string[];
  /** `--subtests-dir`: shared subtests for tiers the test case has no directory of. */
  subtestsDir?: string;
  skipAgentTeams?: boolean;
  sandbox?: (typeof SANDBOX_MODES)[number];
}

/** What the experiment needs of a loaded test case. */
export interface TestCaseInputs {
  dir: string;
  /** Its test.yaml, and the line of a key in it (problems with the repository point there). */
  file?: string;
  lineOf?: (path: readonly PropertyKey[]) => number | undefined;
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
  subtestsDir?: string;
}

const sha = fileSha256;

/** A flag's value that is not usable: a usage error naming the flag and the value. */
const badFlag = (flag: string, value: string, why: string) =>
  new UsageError(`${flag}: ${JSON.stringify(value)} ${why}`);

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
  if (cli.experimentId !== undefined) {
    const id = ExperimentIdSchema.safeParse(cli.experimentId);
    if (!id.success)
      throw badFlag(
        '--experiment-id',
        cli.experimentId,
        `is not an experiment id: ${id.error.issues[0].message}`,
      );
  }
  for (const t of cli.tiers ?? [])
    if (!TierIdSchema.safeParse(t).success) throw badFlag('--tiers', t, 'is not a tier (T0..T6)');
  const configFile = cli.config ? resolve(cwd, cli.config) : null;
  const configSource = configFile ? readYamlFile(configFile) : null;
  const file: ExperimentFile = {
    ...(loadTestLevelConfig(tc.dir)?.value ?? {}),
    ...(configSource ? validateYaml(configSource, ExperimentFileSchema) : {}),
  };
  const fileDir = configFile ? dirname(configFile) : cwd;
  const places = repoPlaces(cli, tc, cwd);
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
  const badRepo = localRepoProblem(repo, places.repo);
  if (badRepo) throw ConfigError.of([badRepo]);
  const promptFile = cli.prompt
    ? resolve(cwd, cli.prompt)
    : file.task_prompt_file
      ? resolve(fileDir, file.task_prompt_file)
      : tc.promptFile;
  // A prompt named here (not by test.yaml, whose files loadTestCase checked) is checked here.
  if (cli.prompt)
    readTextFile(promptFile, { namedAt: { field: '--prompt', value: cli.prompt }, nonEmpty: true });
  else if (file.task_prompt_file && configSource)
    readTextFile(promptFile, {
      namedAt: {
        file: configSource.file,
        line: configSource.lineOf(['task_prompt_file']),
        field: 'task_prompt_file',
        value: file.task_prompt_file,
      },
      nonEmpty: true,
    });
  const selection = cli.subtests?.length ? parseSelection(cli.subtests) : null;
  if (selection?.bad.length) throw new UsageError(`--subtests: ${selection.bad.join('; ')}`);
  // A selection runs part of the experiment its tiers define; the tiers it names belong to it too.
  const tiers = [
    ...(cli.tiers ?? file.tiers ?? file.tiers_to_run ?? tc.spec.tiers ?? DEFAULTS.tiers),
    ...(selection ? selectionTiers(selection.entries) : []),
  ].map((t) => {
    const r = TierIdSchema.safeParse(t);
    if (!r.success) throw new ConfigError(`unknown tier '${t}' (expected T0..T6)`, { field: 'tiers' });
    return r.data;
  });
  const subtestsDir = cli.subtestsDir
    ? checkDirectory(resolve(cwd, cli.subtestsDir), { field: '--subtests-dir', value: cli.subtestsDir })
    : (tc.subtestsDir ?? null);
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
    subtestsDir,
    subtests: selection ? selection.entries.map(selectionKey) : null,
    skipAgentTeams: cli.skipAgentTeams === true,
    tierLabels: subtestsDir ? Object.fromEntries(loadTiersFile(tiersFileOf(subtestsDir)).labels) : {},
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
    ...sandboxSettings(file, configSource ?? undefined, fileDir, cli.sandbox),
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
    throw new ConfigError(i.message, { field: i.path.join('.'), value: valueAt(config, i.path) });
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
