// `scylla run`: resolve the configuration, run or resume the experiment, print the summary.
import { resolveExperimentConfig } from '../../config/resolve-experiment.js';
import { runExperiment } from '../../engine/run-experiment.js';
import { loadTestCase } from '../../fixture/load-test-case.js';
import { createLogger } from '../../util/logger.js';
import { printSummary } from '../summary.js';
import { installStopHandlers } from '../signals.js';
import { createProgressView } from '../progress-view.js';

export async function run(opts: Record<string, unknown>): Promise<number> {
  const level = opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';
  const view = createProgressView();
  const logger = createLogger({ level, sink: (line) => view.log(line) });
  const testCase = loadTestCase(String(opts.tiersDir));
  for (const w of testCase.warnings) logger.warn(`warning: ${w}`);
  const judgeModels = [...((opts.judgeModel as string[] | undefined) ?? []), ...((opts.addJudge as string[] | undefined) ?? [])];
  const config = resolveExperimentConfig(
    {
      tiersDir: String(opts.tiersDir),
      config: opts.config as string | undefined,
      repo: opts.repo as string | undefined,
      commit: opts.commit as string | undefined,
      prompt: opts.prompt as string | undefined,
      experimentId: opts.experimentId as string | undefined,
      tiers: opts.tiers as string[] | undefined,
      runs: opts.runs as number | undefined,
      parallel: opts.parallel as number | undefined,
      parallelRuns: opts.parallelRuns as number | undefined,
      parallelJudges: opts.parallelJudges as number | undefined,
      maxWorkspaces: opts.maxWorkspaces as number | undefined,
      adaptive: opts.adaptive === false ? false : undefined,
      maxWait: opts.maxWait as number | undefined,
      rateLimitWait: opts.rateLimitWait as number | undefined,
      keepFailedWorkspaces: opts.keepFailedWorkspaces === true ? true : undefined,
      timeout: opts.timeout as number | undefined,
      maxSubtests: opts.maxSubtests as number | undefined,
      maxTurns: opts.maxTurns as number | undefined,
      model: opts.model as string | undefined,
      judgeModels: judgeModels.length
        ? (opts.judgeModel ? judgeModels : ['claude-opus-4-5-20251101', ...judgeModels])
        : undefined,
      judgeTransport: opts.judgeTransport as 'api' | 'cli' | undefined,
      judgeTimeout: opts.judgeTimeout as number | undefined,
      agent: opts.agent as string | undefined,
      agentBin: (opts.agentBin as string | undefined) ?? process.env.SCYLLA_CLAUDE_BIN,
      thinking: opts.thinking as 'off' | 'low' | 'high' | 'max' | undefined,
      maxCostUsd: opts.maxCostUsd as number | undefined,
      resultsDir: opts.resultsDir as string | undefined,
      keepWorkspaces: opts.keepWorkspaces === true,
    },
    testCase,
  );
  const stops = installStopHandlers(logger);
  try {
    const outcome = await runExperiment({
      config,
      testCase,
      fresh: opts.fresh === true,
      logger,
      softStop: stops.soft,
      hardStop: stops.hard,
      onContext: (ctx) => view.attach(ctx),
    });
    view.stop();
    if (!opts.quiet) printSummary(outcome, config);
    if (outcome.stopReason) console.error(outcome.stopReason);
    if (outcome.status === 'interrupted' && (stops.soft.aborted || stops.hard.aborted)) return 130;
    return outcome.status === 'completed' ? 0 : 1;
  } finally {
    view.stop();
    stops.dispose();
  }
}
