// The full path of running an experiment: a session (base clone, sandbox, slots, gate, judges),
// then for each tier group resolve subtests on the recorded baselines, schedule the runs, record
// winners, and write the reports. All state goes through the store.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentOutcome, RunExperimentOptions } from './experiment-outcome.js';
import { bestEffort, reportTiers, reportsIfStale } from './experiment-reports.js';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { DEFAULT_RUBRIC, loadRubric } from '../config/rubric.js';
import { readTextFile } from '../config/text-file.js';
import { InterruptedError } from '../errors.js';
import type { StopReason } from '../outcomes.js';
import { discoverExperiment } from '../fixture/discover.js';
import { loadResourceLibrary } from '../fixture/resource-library.js';
import { experimentStats } from '../stats/experiment-stats.js';
import { asDiskFull } from '../util/disk.js';
import { isFinal } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import { silentLogger } from '../util/logger.js';
import { chooseSandbox } from '../sandbox/registry.js';
import { describeSandboxChoice } from './sandbox-policy.js';
import { pipelineBaseline } from './pipeline-baseline.js';
import type { ExperimentContext } from './context.js';
import { executeRunSafe } from './run-guard.js';
import { recordWinners, resolveTier } from './tier-baselines.js';
import { createAgentAdapter, judgeSlots } from './judges.js';
import { openExperiment } from './open-experiment.js';
import { tierGroups } from './planner.js';
import { schedule } from './scheduler.js';
import { assertNoParentClaudeMd } from '../agent/isolation.js';
import { validateModels } from './validate-models.js';
import { openSession, type Session } from './session.js';

/** Run (or resume) an experiment with work left: the full session. */
export async function runWholeExperiment(opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const { testCase } = opts;
  let config = opts.config;
  const logger = opts.logger ?? silentLogger;
  const library = config.resourcesDir ? loadResourceLibrary(config.resourcesDir) : null;
  const tiers = discoverExperiment(config);
  const rubric = config.rubricFile ? loadRubric(config.rubricFile) : DEFAULT_RUBRIC;
  // The texts agents and judges get, read (and checked: size, UTF-8) before anything is created.
  const promptText = readTextFile(config.promptFile, { nonEmpty: true });
  const criteria = config.criteriaFile ? readTextFile(config.criteriaFile) : null;
  const referencePatch = config.referencePatch ? readTextFile(config.referencePatch) : null;

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
  const { expDir, store, resumed } = openExperiment(config, { fresh: opts.fresh, dir: opts.dir });
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
  let runsStarted = false;
  let failedBeforeRuns = false;
  let session: Session | null = null;
  try {
    session = await openSession({
      config,
      expDir,
      store,
      adapter,
      sandbox,
      inputs: { prompt: promptText, criteria, referencePatch, rubric },
      declaredPipeline: testCase.spec.pipeline,
      logger,
      env,
      softStop: opts.softStop,
      hardStop: opts.hardStop,
      slots: opts.slots,
      gate: opts.gate,
      until: opts.until,
    });
    const ctx = session.ctx;
    const { slots, softStop, hardStop } = ctx;
    opts.onContext?.(ctx);
    await validateOnce(ctx, opts.skipValidation === true);
    ctx.pipelineBaseline = await pipelineBaseline(ctx);

    let unfinished = 0;
    runsStarted = true;
    for (const group of tierGroups(tiers.map((t) => t.id))) {
      if (softStop.aborted) break;
      const groupTiers = group.map((id) => tiers.find((t) => t.id === id)!);
      const specs = groupTiers
        .map((t) => resolveTier(ctx, t, library))
        .flat()
        .map((runs) => (opts.only ? runs.filter((r) => opts.only!(r)) : runs));
      const ends = await schedule(
        specs,
        { slots, parallelRuns: config.parallelRuns },
        {
          execute: (spec) => (opts.execute ?? executeRunSafe)(ctx, spec),
          onRateLimit: (end) => ctx.reportRateLimit(end),
          waitGate: () => ctx.gate.wait(hardStop),
          stopping: () => softStop.aborted || hardStop.aborted,
          logger,
        },
      );
      unfinished += [...ends.values()].filter((e) => e.kind !== 'finalized').length;
      if ([...ends.values()].some((e) => e.kind === 'budget_exhausted'))
        ctx.stopExperiment({
          kind: 'budget_exhausted',
          spentUsd: ctx.budget.spent(),
          capUsd: config.maxCostUsd ?? 0,
        });
      recordWinners(store, expDir, groupTiers);
    }
    // A user's stop is a reason too (the store and status show it); so is --until.
    const why: StopReason | null =
      session.stopReason() ?? (opts.until ? { kind: 'stage_limit', stage: opts.until } : null);
    // On a full disk the reports wait for the resume (they are made from the store at any time).
    const stats =
      why?.kind === 'disk_full'
        ? experimentStats(store, expDir, reportTiers(tiers))
        : await reportsIfStale(store, expDir, config, tiers);
    const allDone = tiers.every((t) =>
      t.subtests.every((s) =>
        store
          .runs({ tier: t.id, subtest: s.id })
          .filter((r) => r.run <= config.runs)
          .every((r) => isFinal(r.state)),
      ),
    );
    const status =
      why?.kind === 'budget_exhausted' ? 'budget_exhausted' : why || !allDone ? 'interrupted' : 'completed';
    bestEffort(() => store.setExperimentStatus(status, why));
    return { expDir, status, stopReason: why, stats, resumed, unfinished };
  } catch (e) {
    bestEffort(() => store.setExperimentStatus(e instanceof InterruptedError ? 'interrupted' : 'failed'));
    failedBeforeRuns = !resumed && !runsStarted;
    throw asDiskFull(e, expDir);
  } finally {
    await session?.close();
    // With the disk full these may fail; `status` then tells a dead owner by its pid.
    bestEffort(() => store.release(process.pid));
    store.close();
    // A new experiment that failed before its first run (repository, models, ...) holds nothing
    // worth keeping; leaving it would make the next invocation "resume" an empty experiment.
    if (failedBeforeRuns) rmSync(expDir, { recursive: true, force: true });
  }
}

/** Check every model with one tiny request, once per experiment (a resume has checked them already). */
async function validateOnce(ctx: ExperimentContext, skip: boolean): Promise<void> {
  if (skip || ctx.store.getKv('models_validated')) return;
  const r = await validateModels({
    adapter: ctx.adapter,
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
