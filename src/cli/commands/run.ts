// `scylla run`: resolve the configuration of each test case, run or resume the experiment (or a
// batch of them under shared slots), print the summary.
import { resolve } from 'node:path';
import { formatProblem } from '../../problem.js';
import { resolveExperimentConfig, type RunCliOptions } from '../../config/resolve-experiment.js';
import type { ExperimentContext } from '../../engine/context.js';
import { runExperiment } from '../../engine/run-experiment.js';
import type { ExperimentConfig } from '../../config/experiment-config.js';
import { ConfigError, EXIT_CODES, UsageError } from '../../errors.js';
import type { RunState } from '../../store/run-state.js';
import { commitProblem } from '../../engine/check-commit.js';
import { repoPlaces } from '../../config/repo-places.js';
import { describeStopReason } from '../../outcomes.js';
import { checkExperimentSubtests } from '../../fixture/check-experiment.js';
import { loadTestCase } from '../../fixture/load-test-case.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { createProgressView } from '../progress-view.js';
import { installStopHandlers } from '../signals.js';
import { printSummary } from '../summary.js';
import { selectTestCases } from '../test-cases.js';

type Opts = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** CLI options → the flag layer of the configuration. */
function cliLayer(tiersDir: string, opts: Opts): RunCliOptions {
  const judgeModel = (opts.judgeModel as string[] | undefined) ?? [];
  const added = (opts.addJudge as string[] | undefined) ?? [];
  return {
    tiersDir,
    config: str(opts.config),
    repo: str(opts.repo),
    commit: str(opts.commit),
    prompt: str(opts.prompt),
    experimentId: str(opts.experimentId),
    tiers: opts.tiers as string[] | undefined,
    runs: num(opts.runs),
    parallel: num(opts.parallel),
    parallelRuns: num(opts.parallelRuns),
    parallelJudges: num(opts.parallelJudges),
    maxWorkspaces: num(opts.maxWorkspaces),
    adaptive: opts.adaptive === false ? false : undefined,
    maxWait: num(opts.maxWait),
    rateLimitWait: num(opts.rateLimitWait),
    keepFailedWorkspaces: opts.keepFailedWorkspaces === true ? true : undefined,
    timeout: num(opts.timeout),
    maxSubtests: num(opts.maxSubtests),
    maxTurns: num(opts.maxTurns),
    model: str(opts.model),
    // --add-judge adds to --judge-model, or to the default judge when none is named.
    judgeModels:
      judgeModel.length || added.length
        ? [...(judgeModel.length ? judgeModel : ['claude-opus-4-5-20251101']), ...added]
        : undefined,
    judgeTransport: opts.judgeTransport as 'api' | 'cli' | undefined,
    judgeTimeout: num(opts.judgeTimeout),
    agent: str(opts.agent),
    // SCYLLA_CLAUDE_BIN only ever names the Claude Code binary; other agents have their own variables.
    // A path is made absolute here: the agent runs in its workspace, not in this directory.
    agentBin: asPath(
      str(opts.agentBin) ??
        ((str(opts.agent) ?? 'claude-code') === 'claude-code' ? process.env.SCYLLA_CLAUDE_BIN : undefined),
    ),
    useUserAuth: opts.useUserAuth === true ? true : undefined,
    agentArgs: opts.agentArg as string[] | undefined,
    thinking: opts.thinking as RunCliOptions['thinking'],
    maxCostUsd: num(opts.maxCostUsd),
    resultsDir: str(opts.resultsDir),
    keepWorkspaces: opts.keepWorkspaces === true,
    subtests: opts.subtests as string[] | undefined,
    subtestsDir: str(opts.subtestsDir),
    skipAgentTeams: opts.skipAgentTeams === true ? true : undefined,
    sandbox: opts.sandbox as RunCliOptions['sandbox'],
  };
}

/** `--until` stages and the state a run waits in. */
const UNTIL: Record<string, RunState> = {
  workspace: 'prompt_written',
  agent: 'diff_captured',
  pipeline: 'pipeline_done',
};

function untilState(v: unknown): RunState | undefined {
  if (typeof v !== 'string') return undefined;
  const state = UNTIL[v];
  if (!state) throw new UsageError(`--until: unknown stage '${v}' (known: ${Object.keys(UNTIL).join(', ')})`);
  return state;
}

/** A command with a slash is a path relative to this directory; a bare name stays a name for PATH. */
function asPath(bin: string | undefined): string | undefined {
  return bin?.includes('/') ? resolve(bin) : bin;
}

/** Every input checked before anything is created (all problems at once); warnings printed. */
async function prepare(tiersDir: string, opts: Opts, logger: Logger) {
  const testCase = loadTestCase(tiersDir);
  const cli = cliLayer(tiersDir, opts);
  const config = resolveExperimentConfig(cli, testCase);
  const { warnings } = checkExperimentSubtests(config);
  const badCommit = await commitProblem(config.repo, config.commit, repoPlaces(cli, testCase).commit);
  if (badCommit) throw ConfigError.of([badCommit]);
  for (const w of [...testCase.warnings, ...warnings]) logger.warn(`warning: ${formatProblem(w)}`);
  return { testCase, config };
}

export async function run(opts: Opts): Promise<number> {
  const dirs = selectTestCases({
    tiersDirs: opts.tiersDir as string[] | undefined,
    testsDir: str(opts.testsDir),
    tests: str(opts.tests),
  });
  if (dirs.length > 1 && opts.experimentId)
    throw new UsageError('--experiment-id names one experiment; a batch uses each test.yaml id');
  const view = createProgressView();
  const level = opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';
  const logger = createLogger({ level, sink: (line) => view.log(line) });
  const cases: Awaited<ReturnType<typeof prepare>>[] = [];
  for (const d of dirs) cases.push(await prepare(d, opts, logger));
  if (opts.dryRun) {
    // Loaded only for a dry run (and a batch, below): a plain run starts with less.
    const [{ printDryRun }, { planExperiment }, { sandboxForecast }] = await Promise.all([
      import('../dry-run.js'),
      import('../../engine/dry-run.js'),
      import('../../engine/sandbox-policy.js'),
    ]);
    for (const c of cases)
      printDryRun(
        planExperiment(c.config, { fresh: opts.fresh === true }),
        c.config.experimentId,
        await sandboxForecast(c.config.sandbox, process.env, c.config.network),
        c.config,
      );
    return 0;
  }
  const queue = await openQueue(opts, cases, logger);
  const stops = installStopHandlers(logger);
  let finished = false;
  try {
    const common = {
      fresh: opts.fresh === true,
      until: untilState(opts.until),
      skipValidation: opts.skipValidation === true,
      logger,
      softStop: stops.soft,
      hardStop: stops.hard,
      onContext: (c: ExperimentContext) => {
        queue?.attach(c);
        view.attach(c);
      },
      ...(queue ? { execute: queue.execute, slots: queue.slots } : {}),
    };
    const outcomes =
      cases.length === 1
        ? [
            {
              id: cases[0].config.experimentId,
              outcome: await runExperiment({ ...cases[0], ...common }),
              error: undefined,
            },
          ]
        : (
            await (
              await import('../../engine/run-batch.js')
            ).runBatch({ cases, resultsDir: cases[0].config.resultsDir, ...common })
          ).outcomes;
    view.stop();
    for (const [i, o] of outcomes.entries()) {
      if (o.outcome && !opts.quiet) printSummary(o.outcome, cases[i].config);
      if (o.outcome?.stopReason && o.outcome.stopReason.kind !== 'stop_requested')
        console.error(describeStopReason(o.outcome.stopReason));
      if (o.error) console.error(`error: ${o.id}: ${o.error}`);
    }
    finished = outcomes.every((o) => o.outcome?.status === 'completed');
    if (cases.length > 1) console.log(`\nBatch summary: ${cases[0].config.resultsDir}/batch.md`);
    if (stops.soft.aborted || stops.hard.aborted) return EXIT_CODES.interrupted;
    if (outcomes.some((o) => o.error || o.outcome?.stopReason?.kind === 'disk_full')) return EXIT_CODES.error;
    // --until: stopping at the stage is what was asked for.
    const asked = (o: (typeof outcomes)[number]) =>
      o.outcome?.status === 'completed' || o.outcome?.stopReason?.kind === 'stage_limit';
    return outcomes.every(asked) ? EXIT_CODES.ok : EXIT_CODES.incomplete;
  } finally {
    view.stop();
    stops.dispose();
    await queue?.close(finished);
  }
}

/**
 * `--queue`: the coordinator's side, opened once the inputs are checked and before anything is
 * created (an unreachable Redis is an error here). Every runnable run of a tier group goes on the
 * queue at once unless `--parallel-runs` says otherwise.
 */
async function openQueue(opts: Opts, cases: { config: ExperimentConfig }[], logger: Logger) {
  const url = str(opts.queue) ?? process.env.SCYLLA_QUEUE;
  if (!url) {
    if (opts.sharedDir) throw new UsageError('--shared-dir is for --queue');
    return null;
  }
  if (opts.parallelRuns === undefined)
    for (const c of cases) c.config = { ...c.config, parallelRuns: c.config.runs };
  const first = cases[0].config;
  // BullMQ and its Redis client are loaded only for a queued run.
  const [{ openQueueRun }, { limitsOf }] = await Promise.all([
    import('../../distributed/queue-run.js'),
    import('../../engine/session.js'),
  ]);
  return openQueueRun({
    url,
    sharedDir: str(opts.sharedDir) ? resolve(str(opts.sharedDir)!) : null,
    experimentIds: cases.map((c) => c.config.experimentId),
    limits: limitsOf(first),
    maxInFlight: first.maxWorkspaces,
    logger,
  });
}
