// A working session on an opened experiment (by `run` and by `rerun`): the context every stage uses
// — base clone, slots, budget, the rate-limit gate and its store record, stops and their reasons —
// with the owner's heartbeat, and the closing bookkeeping that must happen however the session ends.
import type { AgentAdapter } from '../agent/adapter.js';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { Rubric } from '../config/rubric.js';
import { describeStopReason, type StopReason } from '../outcomes.js';
import type { RateLimitGate } from '../ratelimit/gate.js';
import type { RunState } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { ensureBaseClone } from '../workspace/base-clone.js';
import { baseCloneDir, taskStoreDir } from '../workspace/paths.js';
import { Budget } from './budget.js';
import type { ExperimentContext } from './context.js';
import { judgeSlots } from './judges.js';
import { gateOptions, judgeSandbox, sandboxSetup } from './sandbox-policy.js';
import type { SandboxChoice } from '../sandbox/registry.js';
import { startNetworkGate, type NetworkGate } from '../sandbox/network-gate.js';
import { ensurePristineStore } from '../workspace/run-repo.js';
import { HEARTBEAT_INTERVAL_MS } from './liveness.js';
import { probeRateLimit } from './probe.js';
import { createRateLimitControl } from './rate-limits.js';
import { defaultLimits, Slots, type SlotLimits } from './slots.js';

/** Slot limits from the configuration. */
export function limitsOf(config: ExperimentConfig): SlotLimits {
  return defaultLimits(config.parallel, {
    judges: config.parallelJudges ?? undefined,
    workspaces: config.maxWorkspaces ?? undefined,
    adaptive: config.adaptive,
  });
}

export interface SessionOptions {
  config: ExperimentConfig;
  expDir: string;
  store: Store;
  adapter: AgentAdapter;
  /** The sandbox every process of a run gets (chosen before anything was created). */
  sandbox: SandboxChoice;
  /** Judge models (default: the experiment's); a re-judging names its own. */
  judgeModels?: string[];
  inputs: { prompt: string; criteria: string | null; referencePatch: string | null; rubric: Rubric };
  declaredPipeline?: { name: string; run: string }[];
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** First stop: schedule nothing new, let running runs finish. */
  softStop?: AbortSignal;
  /** Second stop: kill agents now; their runs become `interrupted`. */
  hardStop?: AbortSignal;
  /** Shared with the other experiments of a batch. */
  slots?: Slots;
  gate?: RateLimitGate;
  /** Stop every run once it reaches this state (`--until`). */
  until?: RunState;
}

export interface Session {
  ctx: ExperimentContext;
  /** Why the session stopped early: our own stop (budget, wait, disk), else the user's, else null. */
  stopReason(): StopReason | null;
  /** End the heartbeat, the gate subscription and the network gate (the caller closes the store). */
  close(): Promise<void>;
}

/** Open a session: the base clone is made (or reused) first, then the context. */
export async function openSession(o: SessionOptions): Promise<Session> {
  const { config, store, logger } = o;
  // Our own stops: the budget or an over-long rate-limit pause end the experiment softly (running
  // runs finish), a full disk at once; both resumably.
  const internalStop = new AbortController();
  const internalHardStop = new AbortController();
  const stopped: { reason: StopReason | null } = { reason: null };
  const stop = (why: StopReason, how: { hard?: boolean } = {}) => {
    if (!internalStop.signal.aborted) {
      stopped.reason = why;
      logger.warn(describeStopReason(why));
      internalStop.abort();
    }
    if (how.hard) internalHardStop.abort();
  };
  const softStop = AbortSignal.any([o.softStop ?? new AbortController().signal, internalStop.signal]);
  const hardStop = AbortSignal.any([o.hardStop ?? new AbortController().signal, internalHardStop.signal]);
  const heartbeat = setInterval(() => store.heartbeat(process.pid), HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  let closeLimits = () => undefined as void;
  let gate: NetworkGate | undefined;
  try {
    const clone = await ensureBaseClone({
      repo: config.repo,
      commit: config.commit ?? undefined,
      dest: baseCloneDir(o.expDir),
    });
    // Every run's repository borrows objects from this store only: the task's own history.
    const taskStore = taskStoreDir(o.expDir);
    await ensurePristineStore(clone.path, clone.commit, taskStore);
    if (o.sandbox.kind === 'bwrap' && config.network === 'allowlist')
      gate = await startNetworkGate(gateOptions(config, o.env));
    const sandboxes = sandboxSetup(o.sandbox, config, o.expDir, taskStore, o.env, gate);
    const slots = o.slots ?? new Slots(limitsOf(config), logger);
    // Every rate limit, whether it ended a run or the agent is retrying it by itself, pauses all workers.
    const limits = createRateLimitControl({
      config,
      store,
      slots,
      logger,
      stop,
      probe: (p) => probeRateLimit(ctx, p),
      gate: o.gate,
    });
    closeLimits = limits.close;
    const ctx: ExperimentContext = {
      config,
      expDir: o.expDir,
      baseRepo: clone.path,
      baseCommit: clone.commit,
      taskStore,
      sandbox: sandboxes,
      store,
      adapter: o.adapter,
      judges: judgeSlots(
        { ...config, judgeModels: o.judgeModels ?? config.judgeModels },
        o.env,
        judgeSandbox(sandboxes),
      ),
      rubric: o.inputs.rubric,
      criteria: o.inputs.criteria,
      referencePatch: o.inputs.referencePatch,
      promptText: o.inputs.prompt,
      pipelineBaseline: null,
      declaredPipeline: o.declaredPipeline,
      gate: limits.gate,
      reportRateLimit: limits.report,
      slots,
      budget: new Budget(config.maxCostUsd, store),
      active: new Map(),
      logger,
      hardStop,
      softStop,
      env: o.env,
      stopExperiment: stop,
      until: o.until,
    };
    return {
      ctx,
      stopReason: () =>
        stopped.reason ??
        (hardStop.aborted || softStop.aborted ? { kind: 'stop_requested', hard: hardStop.aborted } : null),
      close: async () => {
        closeLimits();
        clearInterval(heartbeat);
        await gate?.close();
      },
    };
  } catch (e) {
    closeLimits();
    clearInterval(heartbeat);
    await gate?.close();
    throw e;
  }
}
