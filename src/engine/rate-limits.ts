// One place that turns rate limits into pauses: the gate every worker waits at, the store's record
// of each pause, adaptive concurrency, and the --max-wait stop.
import type { ExperimentConfig } from '../config/experiment-config.js';
import { RateLimitGate, type PauseInfo } from '../ratelimit/gate.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { RateLimited } from './context.js';
import type { Slots } from './slots.js';

export interface RateLimitControl {
  gate: RateLimitGate;
  /** Pause every worker for `end` (or extend the pause in progress). */
  report: (end: RateLimited) => void;
}

export function createRateLimitControl(deps: {
  config: Pick<ExperimentConfig, 'maxWaitSeconds'>;
  store: Store;
  slots: Slots;
  logger: Logger;
  /** Stop the experiment (resumably) with this reason. */
  stop: (why: string) => void;
  probe: (p: PauseInfo) => Promise<number | null>;
}): RateLimitControl {
  const { config, store, slots, logger } = deps;
  // The store row of the pause in progress: a limit seen during it extends that row.
  let open: { id: number; until: number } | null = null;
  const gate = new RateLimitGate({
    onPause: (p) =>
      logger.warn(
        `rate limited (${p.source}, ${p.kind}: ${p.reason}): pausing every worker until ${new Date(p.until).toISOString()}`,
      ),
    onResume: () => {
      if (open) store.endPause(open.id);
      open = null;
      logger.info('rate-limit pause over: resuming');
    },
    probe: deps.probe,
  });
  const report = (end: RateLimited): void => {
    const until = Date.now() + end.retryAfterMs;
    if (config.maxWaitSeconds !== null && end.retryAfterMs > config.maxWaitSeconds * 1000) {
      slots.onRateLimit();
      deps.stop(
        `rate limit (${end.limit}) resets at ${new Date(until).toISOString()}, later than --max-wait ${config.maxWaitSeconds}s allows: ` +
          'stopping; run the same command again after the reset to resume',
      );
      return;
    }
    const iso = new Date(until).toISOString();
    if (open && gate.paused) {
      if (until > open.until) {
        store.extendPause(open.id, iso);
        open.until = until;
      }
    } else {
      slots.onRateLimit();
      open = {
        id: store.addPause({ source: end.source, kind: end.limit, until: iso, reason: end.message }),
        until,
      };
    }
    gate.pause({ source: end.source, kind: end.limit, until, reason: end.message });
  };
  return { gate, report };
}
