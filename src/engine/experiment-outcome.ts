// What running an experiment takes (options) and gives back (outcome), shared by its fast path
// and its full path.
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { TestCase } from '../fixture/load-test-case.js';
import type { StopReason } from '../outcomes.js';
import type { RateLimitGate } from '../ratelimit/gate.js';
import type { ExperimentStats } from '../stats/experiment-stats.js';
import type { RunState } from '../store/run-state.js';
import type { RunKey } from '../store/run-key.js';
import type { Logger } from '../util/logger.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';
import type { Slots } from './slots.js';

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
  /** Work in this experiment directory (a rerun) instead of finding or creating one. */
  dir?: string;
  /** Schedule only the runs this accepts (a rerun's selection); the others are left as they are. */
  only?: (run: RunKey) => boolean;
  /** Stop every run once it reaches this state (`--until`); the next invocation goes on from there. */
  until?: RunState;
  /** Execute one run somewhere else (a queue's workers); by default in this process. */
  execute?: (ctx: ExperimentContext, spec: RunSpec) => Promise<RunEnd>;
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
