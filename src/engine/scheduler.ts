// Schedules the runs of one tier group: the runs of a subtest in order (or in `parallelRuns` lanes),
// all subtests interleaved, each run holding a workspace slot while it is active. Agents, judges and
// the build pipeline take their own slots inside the run. A rate limit closes the gate for everyone
// and the run is redone after it; a stop request or an exhausted budget starts nothing new.
import { InfraFailureError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import type { RunEnd, RunSpec } from './context.js';
import type { Slots } from './slots.js';

export interface SchedulerHooks {
  /** Execute one run to its end (finalized or a non-result end). */
  execute(spec: RunSpec): Promise<RunEnd>;
  /** A rate limit was hit: close the gate until the reset. */
  onRateLimit(end: Extract<RunEnd, { kind: 'rate_limited' }>, spec: RunSpec): void;
  /** Wait until the gate is open. */
  waitGate(): Promise<void>;
  /** True once a stop was requested or the budget is spent: start nothing new. */
  stopping(): boolean;
  logger: Logger;
}

/** Consecutive infrastructure failures (with no success between) that stop the experiment. */
export const INFRA_FAILURE_LIMIT = 3;

/** Split one subtest's runs into `lanes` sequences (run i in lane i mod lanes). */
export function lanesOf(runs: RunSpec[], lanes: number): RunSpec[][] {
  const out: RunSpec[][] = Array.from({ length: Math.max(1, Math.min(lanes, runs.length)) }, () => []);
  runs.forEach((r, i) => out[i % out.length].push(r));
  return out;
}

/** Execute every run; resolves with how each ended (runs never started are absent). */
export async function schedule(
  subtests: RunSpec[][],
  opts: { slots: Slots; parallelRuns: number },
  hooks: SchedulerHooks,
): Promise<Map<string, RunEnd>> {
  const ends = new Map<string, RunEnd>();
  let infraStreak = 0;
  // Held in an object: the lanes set it from callbacks.
  const state: { fatal: Error | null } = { fatal: null };

  const runOne = async (spec: RunSpec): Promise<RunEnd> => {
    for (;;) {
      await hooks.waitGate();
      const end = await hooks.execute(spec);
      if (end.kind !== 'rate_limited') return end;
      hooks.onRateLimit(end, spec);
      if (hooks.stopping()) return end;
    }
  };

  const lane = async (runs: RunSpec[]): Promise<void> => {
    for (const spec of runs) {
      if (hooks.stopping() || state.fatal) return;
      const end = await opts.slots.workspace.add(async () =>
        hooks.stopping() || state.fatal ? null : runOne(spec),
      );
      if (!end) return;
      ends.set(`${spec.tier}/${spec.subtest}/${spec.run}`, end);
      if (end.kind === 'infra_failed') {
        infraStreak++;
        hooks.logger.warn(
          `infrastructure failure in ${spec.tier}/${spec.subtest} run ${spec.run}: ${end.message}`,
        );
        if (infraStreak >= INFRA_FAILURE_LIMIT && !state.fatal)
          state.fatal = new InfraFailureError(
            `${infraStreak} infrastructure failures in a row; the last: ${end.message}`,
          );
      } else if (end.kind === 'finalized') infraStreak = 0;
      if (end.kind === 'interrupted' || end.kind === 'budget_exhausted' || end.kind === 'not_started') return;
    }
  };

  await Promise.all(
    subtests
      .flatMap((runs) => lanesOf(runs, opts.parallelRuns))
      .map((l) =>
        lane(l).catch((e: unknown) => {
          state.fatal ??= e instanceof Error ? e : new Error(String(e));
        }),
      ),
  );
  if (state.fatal) throw state.fatal;
  return ends;
}
