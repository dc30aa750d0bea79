// Runs the planned runs of one tier group under `parallel` slots: the runs of one subtest in order,
// subtests interleaved; a rate limit closes the gate for everyone and the run is redone after it.
import PQueue from 'p-queue';
import type { Logger } from '../util/logger.js';
import type { RunEnd, RunSpec } from './context.js';

export interface SchedulerHooks {
  /** Execute one run to its end (finalized or a non-result end). */
  execute(spec: RunSpec): Promise<RunEnd>;
  /** A rate limit was hit: close the gate until the reset. */
  onRateLimit(end: Extract<RunEnd, { kind: 'rate_limited' }>, spec: RunSpec): void;
  /** Wait until the gate is open. */
  waitGate(): Promise<void>;
  /** True once a stop was requested: start nothing new. */
  stopping(): boolean;
  logger: Logger;
}

/** Consecutive infrastructure failures (with no success between) that stop the experiment. */
export const INFRA_FAILURE_LIMIT = 3;

export class InfraFailureError extends Error {}

/** Execute `subtests` (each an ordered list of runs) with at most `parallel` running at once. */
export async function schedule(subtests: RunSpec[][], parallel: number, hooks: SchedulerHooks): Promise<Map<string, RunEnd>> {
  const ends = new Map<string, RunEnd>();
  const queue = new PQueue({ concurrency: parallel });
  let infraStreak = 0;
  let fatal: Error | null = null;

  const runOne = async (spec: RunSpec): Promise<RunEnd> => {
    for (;;) {
      await hooks.waitGate();
      const end = await hooks.execute(spec);
      if (end.kind !== 'rate_limited') return end;
      hooks.onRateLimit(end, spec);
      if (hooks.stopping()) return end;
    }
  };

  for (const runs of subtests) {
    void queue
      .add(async () => {
      for (const spec of runs) {
        if (hooks.stopping() || fatal) return;
        const end = await runOne(spec);
        ends.set(`${spec.tier}/${spec.subtest}/${spec.run}`, end);
        if (end.kind === 'infra_failed') {
          infraStreak++;
          hooks.logger.warn(`infrastructure failure: ${end.message}`);
          if (infraStreak >= INFRA_FAILURE_LIMIT && !fatal)
            fatal = new InfraFailureError(`${infraStreak} infrastructure failures in a row, last: ${end.message}`);
        } else if (end.kind === 'finalized') infraStreak = 0;
        if (end.kind === 'interrupted') return;
      }
      })
      .catch((e: unknown) => {
        fatal ??= e instanceof Error ? e : new Error(String(e));
      });
  }
  await queue.onIdle();
  if (fatal) throw fatal;
  return ends;
}
