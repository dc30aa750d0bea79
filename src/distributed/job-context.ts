// The context one job's run pipeline gets on a worker: the experiment as the job describes it, a
// scratch store of the one run, the worker's clone, slots, gate and agents, and the worker's own
// environment (its keys: the job carries none).
import type { AgentAdapter } from '../agent/adapter.js';
import { Budget } from '../engine/budget.js';
import type { ExperimentContext, RateLimited } from '../engine/context.js';
import { createAgentAdapter, judgeSlots } from '../engine/judges.js';
import { judgeSandbox, type SandboxSetup } from '../engine/sandbox-policy.js';
import type { Slots } from '../engine/slots.js';
import type { StopReason } from '../outcomes.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { JobData } from './messages.js';
import type { QueueGate } from './queue-gate.js';

/** What every job of one worker process shares. */
export interface WorkerShared {
  env: NodeJS.ProcessEnv;
  slots: Slots;
  /** `--agent-bin` of the worker (else each agent's own variable, PATH, the installed copy). */
  agentBin: string | null;
  /** Runs in progress in this worker (its log of what it does). */
  active: ExperimentContext['active'];
  /** Stop this worker (a full disk here): no new job, and now when `hard`. */
  stopWorker(why: StopReason, hard: boolean): void;
}

const adapters = new Map<string, AgentAdapter>();

function adapterFor(name: string, bin: string | null): AgentAdapter {
  const key = `${name}\0${bin ?? ''}`;
  let a = adapters.get(key);
  if (!a) {
    a = createAgentAdapter(name, { bin: bin ?? undefined });
    adapters.set(key, a);
  }
  return a;
}

export function jobContext(o: {
  data: JobData;
  shared: WorkerShared;
  store: Store;
  expDir: string;
  clone: { path: string; commit: string; taskStore: string };
  sandbox: SandboxSetup;
  gate: QueueGate;
  reportRateLimit: (end: RateLimited) => void;
  logger: Logger;
  softStop: AbortSignal;
  hardStop: AbortSignal;
}): ExperimentContext {
  const { data, shared } = o;
  const config = { ...data.config, agentBin: shared.agentBin };
  const adapter = adapterFor(config.agent, shared.agentBin);
  adapter.preflight(shared.env);
  return {
    config,
    expDir: o.expDir,
    baseRepo: o.clone.path,
    baseCommit: data.repo.commit,
    taskStore: o.clone.taskStore,
    sandbox: o.sandbox,
    store: o.store,
    adapter,
    judges: judgeSlots(config, shared.env, judgeSandbox(o.sandbox)),
    rubric: data.inputs.rubric,
    criteria: data.inputs.criteria,
    referencePatch: data.inputs.referencePatch,
    promptText: data.inputs.prompt,
    pipelineBaseline: data.pipelineBaseline,
    declaredPipeline: data.declaredPipeline ?? undefined,
    gate: o.gate,
    reportRateLimit: o.reportRateLimit,
    slots: shared.slots,
    // The coordinator keeps the experiment's budget: it enqueues no run the cap does not allow.
    budget: new Budget(null, o.store),
    active: shared.active,
    logger: o.logger,
    hardStop: o.hardStop,
    softStop: o.softStop,
    env: shared.env,
    stopExperiment: (why, how) => shared.stopWorker(why, how?.hard === true),
    until: data.until ?? undefined,
  };
}
