// Drives one experiment: open (or resume) the experiment directory, clone the task repo, then for
// each tier group resolve subtests (with recorded baselines), plan, schedule the runs, record tier
// winners, and write reports. All state goes through the store; resume is a query.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { DEFAULT_RUBRIC, loadRubric } from '../config/rubric.js';
import { InterruptedError } from '../errors.js';
import { describeStopReason, type StopReason } from '../outcomes.js';
import { discoverTiers, type Tier } from '../fixture/discover.js';
import type { TestCase } from '../fixture/load-test-case.js';
import { loadResourceLibrary } from '../fixture/resource-library.js';
import type { RateLimitGate } from '../ratelimit/gate.js';
import { writeAllReports } from '../report/write-reports.js';
import { type ExperimentStats } from '../stats/experiment-stats.js';
import { isFinal } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { ensureBaseClone } from '../workspace/base-clone.js';
import { baseCloneDir, taskStoreDir } from '../workspace/paths.js';
import { ensurePristineStore } from '../workspace/run-repo.js';
import { chooseSandbox } from '../sandbox/registry.js';
import { describeSandboxChoice, gateOptions, judgeSandbox, sandboxSetup } from './sandbox-policy.js';
import { startNetworkGate, type NetworkGate } from '../sandbox/network-gate.js';
import { pipelineBaseline } from './pipeline-baseline.js';
import type { ExperimentContext } from './context.js';
import { createRateLimitControl } from './rate-limits.js';
import { executeRunSafe } from './run-guard.js';
import { recordWinners, resolveTier } from './tier-baselines.js';
import { createAgentAdapter, judgeSlots } from './judges.js';
import { HEARTBEAT_INTERVAL_MS } from './liveness.js';
import { openExperiment } from './open-experiment.js';
import { tierGroups } from './planner.js';
import { schedule } from './scheduler.js';
import { Budget } from './budget.js';
import { probeRateLimit } from './probe.js';
import { assertNoParentClaudeMd } from '../agent/isolation.js';
import { validateModels } from '../agent/validate-models.js';
import { defaultLimits, Slots, type SlotLimits } from './slots.js';

/** Slot limits from the configuration. */
export function limitsOf(config: ExperimentConfig): SlotLimits {
  return defaultLimits(config.parallel, {
    judges: config.parallelJudges ?? undefined,
    workspaces: config.maxWorkspaces ?? undefined,
    adaptive: config.adaptive,
  });
}

export interface RunExperimentOptions {
  config: ExperimentConfig;
  testCase: TestCase;
  fresh?: boolean;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** First stop: schedule nothing new, let running runs finish. */
  softStop?: AbortSignal;
  /** Second stop: kill agents now; their runs become `interrupted`. */
  hardStop?: AbortSignal;
  /** Slots shared with other experiments of a batch (default: this experiment's own). */
  slots?: Slots;
  /** Rate-limit gate shared with other experiments of a batch: a limit seen by one pauses all. */
  gate?: RateLimitGate;
  /** Skip the one-request-per-model check before the first run. */
  skipValidation?: boolean;
  /** Receives the context once it exists (the progress view reads `active`, the gate, the budget). */
  onContext?: (ctx: ExperimentContext) => void;
}

export interface ExperimentOutcome {
  expDir: string;
  status: 'completed' | 'interrupted' | 'budget_exhausted';
  /** Why the experiment stopped early (describeStopReason says it in words, with how to resume). */
  stopReason: StopReason | null;
  stats: ExperimentStats;
  resumed: boolean;
  /** Runs that ended as something other than a result in this invocation (redone on resume). */
  unfinished: number;
}

/** Run (or resume) an experiment to the end. */
export async function runExperiment(opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const { testCase } = opts;
  let config = opts.config;
  const logger = opts.logger ?? silentLogger;
  // Our own stop: the budget or an over-long rate-limit pause end the experiment (resumably).
  const internalStop = new AbortController();
  // Held in an object: the stop callbacks set it.
  const stopped: { reason: StopReason | null } = { reason: null };
  const stop = (why: StopReason) => {
    if (!internalStop.signal.aborted) {
      stopped.reason = why;
      logger.warn(describeStopReason(why));
      internalStop.abort();
    }
  };
  const softStop = AbortSignal.any([opts.softStop ?? new AbortController().signal, internalStop.signal]);
  const hardStop = opts.hardStop ?? new AbortController().signal;
  const library = config.resourcesDir ? loadResourceLibrary(config.resourcesDir) : null;
  const tiers = discoverTiers(config.tiersDir, config.tiers, config.maxSubtests ?? undefined);
  const rubric = config.rubricFile ? loadRubric(config.rubricFile) : DEFAULT_RUBRIC;

  // A CLAUDE.md in any parent of the results would reach every agent: refuse before creating anything.
  assertNoParentClaudeMd(resolve(config.resultsDir));
  const env = opts.env ?? process.env;
  judgeSlots(config, env); // an unknown judge transport fails before anything starts
  // A missing agent binary fails here, before a directory exists, not as a run's infra failure.
  const adapter = createAgentAdapter(config.agent, { bin: config.agentBin ?? undefined });
  adapter.preflight(env);
  // `--sandbox bwrap` that cannot work fails here too; `auto` without bubblewrap says so once.
  const sandbox = await chooseSandbox(config.sandbox, env, config.network);
  config = { ...config, sandboxStatus: { kind: sandbox.kind, reason: sandbox.reason } };
  const { expDir, store, resumed } = openExperiment(config, { fresh: opts.fresh });
  logger.toFile(join(expDir, 'experiment.log.jsonl'));
  logger.info(`${resumed ? 'resuming' : 'starting'} experiment ${config.experimentId} in ${expDir}`);
  if (sandbox.kind === 'none') logger.warn(`warning: ${describeSandboxChoice(sandbox)}`);
  const startedWith = resumed ? storedSandbox(store) : null;
  if (startedWith && startedWith !== sandbox.kind)
    logger.warn(
      `warning: this experiment's earlier runs were ${startedWith === 'none' ? 'not sandboxed' : `sandboxed (${startedWith})`}; ` +
        `the runs of this invocation are ${sandbox.kind === 'none' ? 'not sandboxed' : 'sandboxed'} (each run records its own)`,
    );
  if (sandbox.kind === 'none' && config.network === 'allowlist')
    logger.warn('warning: network: allowlist has no effect: runs are not sandboxed');
  let gate: NetworkGate | undefined;
  let runsStarted = false;
  let failedBeforeRuns = false;
  let closeLimits = () => undefined as void;
  const heartbeat = setInterval(() => store.heartbeat(process.pid), HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    const clone = await ensureBaseClone({
      repo: config.repo,
      commit: config.commit ?? undefined,
      dest: baseCloneDir(expDir),
    });
    const taskStore = taskStoreDir(expDir);
    await ensurePristineStore(clone.path, clone.commit, taskStore);
    if (sandbox.kind === 'bwrap' && config.network === 'allowlist')
      gate = await startNetworkGate(gateOptions(config, env));
    const sandboxes = sandboxSetup(sandbox, config, expDir, taskStore, env, gate);
    const slots = opts.slots ?? new Slots(limitsOf(config), logger);
    const budget = new Budget(config.maxCostUsd, store);
    // Every rate limit, whether it ended a run or the agent is retrying it by itself, pauses all workers.
    const limits = createRateLimitControl({
      config,
      store,
      slots,
      logger,
      stop,
      probe: (p) => probeRateLimit(ctx, p),
      gate: opts.gate,
    });
    closeLimits = limits.close;
    const ctx: ExperimentContext = {
      config,
      expDir,
      baseRepo: clone.path,
      baseCommit: clone.commit,
      taskStore,
      sandbox: sandboxes,
      store,
      adapter,
      judges: judgeSlots(config, env, judgeSandbox(sandboxes)),
      rubric,
      criteria:
        config.criteriaFile && existsSync(config.criteriaFile)
          ? readFileSync(config.criteriaFile, 'utf8')
          : null,
      referencePatch:
        config.referencePatch && existsSync(config.referencePatch)
          ? readFileSync(config.referencePatch, 'utf8')
          : null,
      promptText: readFileSync(config.promptFile, 'utf8'),
      pipelineBaseline: null,
      declaredPipeline: testCase.spec.pipeline,
      gate: limits.gate,
      reportRateLimit: limits.report,
      slots,
      budget,
      active: new Map(),
      logger,
      hardStop,
      softStop,
      env,
    };
    opts.onContext?.(ctx);
    await validateOnce(ctx, opts.skipValidation === true);
    ctx.pipelineBaseline = await pipelineBaseline(ctx);

    let unfinished = 0;
    runsStarted = true;
    for (const group of tierGroups(tiers.map((t) => t.id))) {
      if (softStop.aborted) break;
      const groupTiers = group.map((id) => tiers.find((t) => t.id === id)!);
      const specs = groupTiers.map((t) => resolveTier(ctx, t, library)).flat();
      const ends = await schedule(
        specs,
        { slots, parallelRuns: config.parallelRuns },
        {
          execute: (spec) => executeRunSafe(ctx, spec),
          onRateLimit: (end) => ctx.reportRateLimit(end),
          waitGate: () => limits.gate.wait(hardStop),
          stopping: () => softStop.aborted || hardStop.aborted,
          logger,
        },
      );
      unfinished += [...ends.values()].filter((e) => e.kind !== 'finalized').length;
      if ([...ends.values()].some((e) => e.kind === 'budget_exhausted'))
        stop({ kind: 'budget_exhausted', spentUsd: budget.spent(), capUsd: config.maxCostUsd ?? 0 });
      recordWinners(store, expDir, groupTiers);
    }
    const stats = await writeReports(store, expDir, config, tiers);
    const allDone = tiers.every((t) =>
      t.subtests.every((s) =>
        store
          .runs({ tier: t.id, subtest: s.id })
          .filter((r) => r.run <= config.runs)
          .every((r) => isFinal(r.state)),
      ),
    );
    // A user's stop is a reason too (the store and status show it).
    const why: StopReason | null =
      stopped.reason ??
      (hardStop.aborted || softStop.aborted ? { kind: 'stop_requested', hard: hardStop.aborted } : null);
    const status =
      why?.kind === 'budget_exhausted' ? 'budget_exhausted' : why || !allDone ? 'interrupted' : 'completed';
    store.setExperimentStatus(status, why);
    return { expDir, status, stopReason: why, stats, resumed, unfinished };
  } catch (e) {
    store.setExperimentStatus(e instanceof InterruptedError ? 'interrupted' : 'failed');
    failedBeforeRuns = !resumed && !runsStarted;
    throw e;
  } finally {
    await gate?.close();
    closeLimits();
    clearInterval(heartbeat);
    store.release(process.pid);
    store.close();
    // A new experiment that failed before its first run (repository, models, ...) holds nothing
    // worth keeping; leaving it would make the next invocation "resume" an empty experiment.
    if (failedBeforeRuns) rmSync(expDir, { recursive: true, force: true });
  }
}

function writeReports(
  store: Store,
  expDir: string,
  config: ExperimentConfig,
  tiers: Tier[],
): Promise<ExperimentStats> {
  return writeAllReports({
    store,
    expDir,
    config,
    tiers: tiers.map((t) => ({
      id: t.id,
      subtests: t.subtests.map((s) => ({ id: s.id, name: s.name, description: s.description })),
    })),
  });
}

/** Check every model with one tiny request, once per experiment (a resume has checked them already). */
async function validateOnce(ctx: ExperimentContext, skip: boolean): Promise<void> {
  if (skip || ctx.store.getKv('models_validated')) return;
  const r = await validateModels({
    agent: ctx.config.agent,
    agentModel: ctx.config.model,
    judges: ctx.judges,
    env: ctx.env,
    signal: ctx.hardStop,
    log: (m) => ctx.logger.warn(m),
  });
  ctx.store.setKv('models_validated', r.checks);
}

/** The sandbox kind the experiment was started with (null for one started before sandboxing). */
function storedSandbox(store: Store): string | null {
  try {
    const c = JSON.parse(store.experiment()?.config_json ?? '{}') as Partial<ExperimentConfig>;
    return c.sandboxStatus?.kind ?? null;
  } catch {
    return null;
  }
}
