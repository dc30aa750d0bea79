// `scylla run --queue`: what runExperiment (or runBatch) is given to run through a queue — the
// executor, slots that hold no workspace here (workers do), and the bridge of each experiment's
// stops and pauses to the workers — opened after the inputs are checked and before anything starts.
import type { ExperimentContext, RunEnd, RunSpec } from '../engine/context.js';
import { Slots, type SlotLimits } from '../engine/slots.js';
import type { Logger } from '../util/logger.js';
import { openCoordinator } from './coordinator.js';
import { queueName } from './names.js';
import { parseQueueUrl } from './queue-url.js';

export interface QueueRun {
  execute: (ctx: ExperimentContext, spec: RunSpec) => Promise<RunEnd>;
  slots: Slots;
  attach: (ctx: ExperimentContext) => void;
  /** `finished`: every experiment completed; the workers may forget the queue. */
  close: (finished: boolean) => Promise<void>;
}

export async function openQueueRun(o: {
  url: string;
  sharedDir: string | null;
  experimentIds: readonly string[];
  /** The slot limits of the (first) experiment: only the workspace limit means something here. */
  limits: SlotLimits;
  /** `--max-workspaces`, if given: runs on the queue at once; else every runnable run. */
  maxInFlight: number | null;
  logger: Logger;
}): Promise<QueueRun> {
  const addr = parseQueueUrl(o.url);
  const coordinator = await openCoordinator({
    addr,
    name: queueName(o.experimentIds),
    sharedDir: o.sharedDir,
    logger: o.logger,
  });
  return {
    execute: coordinator.execute,
    slots: new Slots({ ...o.limits, workspaces: o.maxInFlight ?? Number.POSITIVE_INFINITY }, o.logger),
    attach: coordinator.attach,
    close: coordinator.close,
  };
}
