// What every stage of a run may use: the experiment's config, store, adapters and shared inputs.
import type { AgentAdapter } from '../agent/adapter.js';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { Rubric } from '../config/rubric.js';
import type { ResolvedConfig } from '../fixture/resolved-config.js';
import type { PipelineResult } from '../judge/pipeline.js';
import type { JudgeTransport } from '../judge/transport.js';
import type { RateLimitGate } from '../ratelimit/gate.js';
import type { StopReason } from '../outcomes.js';
import type { RunState } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { Budget } from './budget.js';
import type { Slots } from './slots.js';
import type { SandboxSetup } from './sandbox-policy.js';

/** One judge: a model behind a transport. */
export interface JudgeSlot {
  model: string;
  transport: JudgeTransport;
}

/** Shared by all runs of one experiment. Runs read and write state only through `store` and their run dir. */
export interface ExperimentContext {
  config: ExperimentConfig;
  expDir: string;
  /** The experiment's archive repository (`repo/`): the base clone, plus every run's branch. */
  baseRepo: string;
  baseCommit: string;
  /** The pristine task history (`task.git`) every run repository borrows its objects from. */
  taskStore: string;
  /** The sandbox every process of a run gets, and what all its policies share. */
  sandbox: SandboxSetup;
  store: Store;
  adapter: AgentAdapter;
  judges: JudgeSlot[];
  rubric: Rubric;
  criteria: string | null;
  referencePatch: string | null;
  promptText: string;
  /** Pipeline result on the untouched commit, so judges see which failures pre-existed. */
  pipelineBaseline: PipelineResult | null;
  /** Declared `pipeline:` commands of test.yaml (override the language default). */
  declaredPipeline?: { name: string; run: string }[];
  gate: RateLimitGate;
  /** Record a rate limit and pause every worker (also called while an agent retries one itself). */
  reportRateLimit(end: RateLimited): void;
  /** Agent, judge, pipeline and workspace slots (shared across the experiments of a batch). */
  slots: Slots;
  budget: Budget;
  /** Runs in progress: key → stage and start time (the progress view reads it). */
  active: Map<string, { stage: RunState; since: number }>;
  logger: Logger;
  /** Aborted on a hard stop (second Ctrl-C): agents are killed, their runs are `interrupted`. */
  hardStop: AbortSignal;
  /** Aborted on a soft stop (first Ctrl-C, budget, --max-wait): no new agent starts; running ones finish. */
  softStop: AbortSignal;
  /** The environment provider keys and base URLs are read from. */
  env: NodeJS.ProcessEnv;
  /**
   * Stop the whole experiment (resumably) for `reason`: softly (running runs finish) or hard
   * (agents are killed, their runs become `interrupted`).
   */
  stopExperiment(reason: StopReason, opts?: { hard?: boolean }): void;
  /** `--until`: every run stops once it reaches this state; the next invocation goes on. */
  until?: RunState;
}

/** One run to execute. */
export interface RunSpec {
  tier: string;
  subtest: string;
  run: number;
  resolved: ResolvedConfig;
  runDir: string;
  branch: string;
}

/** A rate limit that paused (or ended) a run. */
export interface RateLimited {
  kind: 'rate_limited';
  retryAfterMs: number;
  source: 'agent' | 'judge';
  limit: 'rate_limit' | 'overloaded' | 'usage_cap';
  message: string;
}

/** How a call of executeRun ended. Only `finalized` is a result. */
export type RunEnd =
  | { kind: 'finalized'; passed: boolean; score: number }
  | RateLimited
  | { kind: 'infra_failed'; message: string }
  | { kind: 'judge_failed'; message: string }
  | { kind: 'interrupted' }
  | { kind: 'budget_exhausted' }
  /** A stop was requested before the agent started: the run waits, untouched, for the next invocation. */
  | { kind: 'not_started' }
  /** The run reached the `--until` state and waits there for the next invocation. */
  | { kind: 'held' };
