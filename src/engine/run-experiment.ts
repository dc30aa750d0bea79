// Drives one experiment: open (or resume) the experiment directory, clone the task repo, then for
// each tier group resolve subtests (with recorded baselines), plan, schedule the runs, record tier
// winners, and write reports. All state goes through the store; resume is a query.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { ExperimentConfig } from '../config/experiment-config.js';
import { DEFAULT_RUBRIC, loadRubric } from '../config/rubric.js';
import { ConfigError, InterruptedError, ScyllaError } from '../errors.js';
import { discoverTiers, type Tier } from '../fixture/discover.js';
import type { TestCase } from '../fixture/load-test-case.js';
import { loadResourceLibrary } from '../fixture/resource-library.js';
import { resolveSubtest } from '../fixture/resolve-subtest.js';
import { configFingerprint, ResolvedConfigSchema, type ResolvedConfig } from '../fixture/resolved-config.js';
import { RateLimitGate } from '../ratelimit/gate.js';
import { writeAllReports } from '../report/write-reports.js';
import { experimentStats, type ExperimentStats } from '../stats/experiment-stats.js';
import { isFinal } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { ensureBaseClone } from '../workspace/base-clone.js';
import { baseCloneDir, runDir } from '../workspace/paths.js';
import { branchName } from '../workspace/worktree.js';
import { pipelineBaseline } from './pipeline-baseline.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import { executeRun } from './run-pipeline.js';
import { createAgentAdapter, judgeSlots } from './judges.js';
import { HEARTBEAT_INTERVAL_MS } from './liveness.js';
import { openExperiment } from './open-experiment.js';
import { planRuns, tierGroups } from './planner.js';
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
  /** Skip the one-request-per-model check before the first run. */
  skipValidation?: boolean;
  /** Receives the context once it exists (the progress view reads `active`, the gate, the budget). */
  onContext?: (ctx: ExperimentContext) => void;
}

export interface ExperimentOutcome {
  expDir: string;
  status: 'completed' | 'interrupted' | 'budget_exhausted';
  /** Why the experiment stopped early, in words (with how to resume). */
  stopReason: string | null;
  stats: ExperimentStats;
  resumed: boolean;
  /** Runs that ended as something other than a result in this invocation (redone on resume). */
  unfinished: number;
}

/** Run (or resume) an experiment to the end. */
export async function runExperiment(opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const { config, testCase } = opts;
  const logger = opts.logger ?? silentLogger;
  // Our own stop: the budget or an over-long rate-limit pause end the experiment (resumably).
  const internalStop = new AbortController();
  let stopReason: string | null = null;
  const stop = (why: string) => {
    if (!internalStop.signal.aborted) {
      stopReason = why;
      logger.warn(why);
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
  const judges = judgeSlots(config, env);
  const { expDir, store, resumed } = openExperiment(config, { fresh: opts.fresh });
  logger.toFile(join(expDir, 'experiment.log.jsonl'));
  logger.info(`${resumed ? 'resuming' : 'starting'} experiment ${config.experimentId} in ${expDir}`);
  const heartbeat = setInterval(() => store.heartbeat(process.pid), HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    const clone = await ensureBaseClone({
      repo: config.repo,
      commit: config.commit ?? undefined,
      dest: baseCloneDir(expDir),
    });
    const slots = opts.slots ?? new Slots(limitsOf(config), logger);
    const gate = new RateLimitGate({
      onPause: (p) =>
        logger.warn(
          `rate limited (${p.source}, ${p.kind}): pausing every worker until ${new Date(p.until).toISOString()}`,
        ),
      onResume: () => logger.info('rate-limit pause over: resuming'),
      probe: (p) => probeRateLimit(ctx, p),
    });
    const budget = new Budget(config.maxCostUsd, store);
    const ctx: ExperimentContext = {
      config,
      expDir,
      baseRepo: clone.path,
      baseCommit: clone.commit,
      store,
      adapter: createAgentAdapter(config.agent, { bin: config.agentBin ?? undefined }),
      judges,
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
      gate,
      slots,
      budget,
      active: new Map(),
      logger,
      hardStop,
      softStop,
      env: opts.env ?? process.env,
    };
    opts.onContext?.(ctx);
    await validateOnce(ctx, opts.skipValidation === true);
    ctx.pipelineBaseline = await pipelineBaseline(ctx);

    let unfinished = 0;
    for (const group of tierGroups(tiers.map((t) => t.id))) {
      if (softStop.aborted) break;
      const groupTiers = group.map((id) => tiers.find((t) => t.id === id)!);
      const specs = groupTiers.map((t) => resolveTier(ctx, t, library)).flat();
      const ends = await schedule(
        specs,
        { slots, parallelRuns: config.parallelRuns },
        {
          execute: (spec) => executeRunSafe(ctx, spec),
          onRateLimit: (end) => {
            const until = Date.now() + end.retryAfterMs;
            slots.onRateLimit();
            if (config.maxWaitSeconds !== null && end.retryAfterMs > config.maxWaitSeconds * 1000) {
              stop(
                `rate limit (${end.limit}) resets at ${new Date(until).toISOString()}, later than --max-wait ${config.maxWaitSeconds}s allows: ` +
                  'stopping; run the same command again after the reset to resume',
              );
              return;
            }
            store.addPause({
              source: end.source,
              kind: end.limit,
              until: new Date(until).toISOString(),
              reason: end.message,
            });
            gate.pause({ source: end.source, kind: end.limit, until, reason: end.message });
          },
          waitGate: () => gate.wait(hardStop),
          stopping: () => softStop.aborted || hardStop.aborted,
          logger,
        },
      );
      unfinished += [...ends.values()].filter((e) => e.kind !== 'finalized').length;
      if ([...ends.values()].some((e) => e.kind === 'budget_exhausted'))
        stop(
          `budget exhausted: $${budget.spent().toFixed(4)} spent of the $${config.maxCostUsd} cap; ` +
            'run again with a higher --max-cost-usd to continue',
        );
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
    const budgetOut = stopReason !== null && (stopReason as string).startsWith('budget');
    const interrupted = softStop.aborted || hardStop.aborted;
    const status = budgetOut ? 'budget_exhausted' : interrupted || !allDone ? 'interrupted' : 'completed';
    store.setExperimentStatus(status);
    return { expDir, status, stopReason, stats, resumed, unfinished };
  } catch (e) {
    store.setExperimentStatus(e instanceof InterruptedError ? 'interrupted' : 'failed');
    throw e;
  } finally {
    clearInterval(heartbeat);
    store.release(process.pid);
    store.close();
  }
}

/**
 * Resolve a tier's subtests (baselines from recorded winners) and turn its planned runs into specs.
 * A subtest that builds on earlier tiers (`extends_previous`, `inherit_best_from`) whose winners are
 * not recorded yet (their runs are unfinished) gets its run rows but is not scheduled: resolving it
 * without its baseline would fix a wrong configuration. A later invocation resumes it.
 */
function resolveTier(
  ctx: ExperimentContext,
  tier: Tier,
  library: ReturnType<typeof loadResourceLibrary> | null,
): RunSpec[][] {
  const { store, config, expDir } = ctx;
  const requested = config.tiers.map((t) => t.toUpperCase());
  const previous = previousGroupWinner(store, tier.id, requested);
  const groups = tierGroups(requested);
  const earlier = new Set(
    groups
      .slice(
        0,
        Math.max(
          0,
          groups.findIndex((g) => g.includes(tier.id)),
        ),
      )
      .flat(),
  );
  // Only earlier groups' winners: a same-group winner recorded by an earlier invocation must not
  // change what a resumed subtest resolves to.
  const winners = recordedWinners(store).filter((w) => earlier.has(w.tierId));
  const perSubtest: RunSpec[][] = [];
  for (const st of tier.subtests) {
    const ensure = () =>
      store.ensureRuns(
        Array.from({ length: config.runs }, (_, i) => ({ tier: tier.id, subtest: st.id, run: i + 1 })),
      );
    const probe = resolveSubtest(st, library, {});
    const missing = [
      ...(probe.extendsPrevious && !probe.inheritBestFrom.length && previous === 'pending'
        ? ['the previous tier group']
        : []),
      ...probe.inheritBestFrom.filter((t) => earlier.has(t) && !store.tierWinner(t)),
    ];
    if (missing.length) {
      ensure();
      ctx.logger.warn(
        `${tier.id}/${st.id} waits for the recorded winner of ${missing.join(', ')} (unfinished runs); run again to resume`,
      );
      continue;
    }
    const baseline = previous === 'pending' ? null : previous;
    const resolved = resolveSubtest(st, library, { baseline, winners });
    checkUnchanged(store, tier.id, st.id, resolved, st.configFile);
    ensure();
    const plan = planRuns(
      [{ tier: tier.id, subtest: st.id }],
      config.runs,
      store.runs({ tier: tier.id, subtest: st.id }),
    );
    perSubtest.push(
      plan
        .filter((p) => p.action !== 'skip')
        .map((p) => ({
          tier: p.tier,
          subtest: p.subtest,
          run: p.run,
          resolved,
          runDir: runDir(expDir, p.tier, p.subtest, p.run),
          branch: branchName(config.experimentId, p.tier, p.subtest, p.run),
        })),
    );
  }
  return perSubtest;
}

/** A subtest whose configuration changed after runs were made would mix two experiments: refuse. */
function checkUnchanged(
  store: Store,
  tier: string,
  subtest: string,
  resolved: ResolvedConfig,
  file: string,
): void {
  const fp = configFingerprint(resolved);
  const prev = store.subtestFingerprint(tier, subtest);
  if (prev && prev.fingerprint !== fp && store.runs({ tier, subtest }).some((r) => r.state !== 'pending'))
    throw new ConfigError(
      `the configuration of ${tier}/${subtest} changed since its runs were made (fingerprint ${prev.fingerprint} → ${fp}). ` +
        'Restore it to resume, or add --fresh to start a new experiment directory.',
      { file },
    );
  store.putSubtest(tier, subtest, fp, JSON.stringify(resolved));
}

/** Every recorded tier winner (what `inherit_best_from` merges). */
function recordedWinners(store: Store): ResolvedConfig[] {
  const rows = store.db.prepare('SELECT resolved_json FROM tier_winners ORDER BY tier').all() as {
    resolved_json: string;
  }[];
  return rows.map((r) => ResolvedConfigSchema.parse(JSON.parse(r.resolved_json)));
}

/**
 * The baseline of every tier of a group: the winning configuration of the previous dependency group
 * (T0–T4 → T5 → T6, over the requested tiers), as recorded by `recordWinners` once that group was
 * complete. `null`: there is no previous group, or it produced no winner. `pending`: the previous
 * group has unfinished runs, so its winner is not known yet.
 */
function previousGroupWinner(
  store: Store,
  tier: string,
  requested: readonly string[],
): ResolvedConfig | null | 'pending' {
  const groups = tierGroups(requested);
  const i = groups.findIndex((g) => g.includes(tier));
  if (i <= 0) return null;
  // Written by recordWinners under the same key.
  const recorded = store.getKv(`group_winner:${[...groups[i - 1]].sort().join(',')}`);
  if (recorded === undefined) return 'pending';
  const pick = JSON.parse(recorded) as { tier: string; subtest: string } | null;
  if (!pick) return null;
  const w = store.tierWinner(pick.tier);
  return w ? ResolvedConfigSchema.parse(JSON.parse(w.resolved_json)) : null;
}

/**
 * Once every run of a tier is final, record its winner; once every tier of the group is, record the
 * group's winner: the tier winner with the lowest cost-of-pass (then the higher score, then the lower
 * tier). First recordings win, so a resumed experiment inherits exactly the same baselines.
 */
function recordWinners(store: Store, expDir: string, tiers: Tier[]): void {
  const s = experimentStats(
    store,
    expDir,
    tiers.map((t) => ({ id: t.id, subtests: t.subtests.map((x) => x.id) })),
  );
  let groupDone = true;
  for (const t of s.tiers) {
    const runs = store.runs({ tier: t.tier });
    const done = runs.length > 0 && runs.every((r) => isFinal(r.state));
    if (!done) groupDone = false;
    if (!done || !t.selection) continue;
    const fp = store.subtestFingerprint(t.tier, t.selection.winner);
    if (fp) store.setTierWinner(t.tier, t.selection.winner, fp.resolved_json);
  }
  // Read by previousGroupWinner under the same key.
  const key = `group_winner:${tiers
    .map((t) => t.id)
    .sort()
    .join(',')}`;
  if (!groupDone || store.getKv(key) !== undefined) return;
  const candidates = s.tiers
    .map((t) => ({ t, w: store.tierWinner(t.tier) }))
    .filter((c) => c.w !== undefined)
    .sort(
      (a, b) =>
        (a.t.costOfPass ?? Infinity) - (b.t.costOfPass ?? Infinity) ||
        (b.t.selection?.winningScore ?? 0) - (a.t.selection?.winningScore ?? 0) ||
        (a.t.tier < b.t.tier ? -1 : 1),
    );
  const best = candidates[0];
  store.setKv(key, JSON.stringify(best ? { tier: best.t.tier, subtest: best.w!.subtest } : null));
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

/** Errors of one run that are not bugs become that run's infrastructure failure, never the experiment's end. */
async function executeRunSafe(ctx: ExperimentContext, spec: RunSpec): Promise<RunEnd> {
  try {
    const end = await executeRun(ctx, spec);
    logRunEnd(ctx, spec, end);
    return end;
  } catch (e) {
    if (!(e instanceof ScyllaError) || e.code === 'INTERNAL') throw e;
    ctx.logger.error(`run ${spec.tier}/${spec.subtest}/${spec.run} failed: ${e.message}`);
    const row = ctx.store.getRun(spec);
    if (row && !isFinal(row.state) && row.state !== 'infra_failed')
      ctx.store.transition(spec, row.state, 'infra_failed', {
        failure: 'infra_failed',
        failure_detail: e.message.slice(0, 2000),
      });
    return { kind: 'infra_failed' as const, message: e.message };
  }
}

/** One line per run end: the progress of a non-terminal session, and the log file's record. */
function logRunEnd(ctx: ExperimentContext, spec: RunSpec, end: RunEnd): void {
  const name = `${spec.tier}/${spec.subtest}/run_${String(spec.run).padStart(2, '0')}`;
  if (end.kind === 'finalized') {
    const row = ctx.store.getRun(spec);
    const done = ctx.store.db
      .prepare("SELECT COUNT(*) AS n FROM runs WHERE state IN ('finalized','cleaned')")
      .get() as { n: number };
    const total = ctx.store.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number };
    ctx.logger.info(
      `${name}: ${end.passed ? 'PASS' : 'FAIL'} score ${end.score.toFixed(3)} cost $${(row?.cost_usd ?? 0).toFixed(4)} (${done.n}/${total.n} done)`,
    );
  } else if (end.kind === 'rate_limited')
    ctx.logger.warn(`${name}: rate limited (${end.source}); will be redone`);
  else if (end.kind === 'interrupted') ctx.logger.warn(`${name}: interrupted; will be redone on resume`);
  else if (end.kind === 'judge_failed')
    ctx.logger.warn(`${name}: every judge failed; will be re-judged on resume`);
  else if (end.kind === 'budget_exhausted') ctx.logger.warn(`${name}: not started, budget exhausted`);
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
  ctx.store.setKv('models_validated', JSON.stringify(r.checks));
}
