// One place that turns rate limits into pauses: the gate every worker waits at (shared by the
// experiments of a batch: one key, one limit), the store's record of each pause, adaptive
// concurrency, and the --max-wait stop.
import type { ExperimentConfig } from '../config/experiment-config.js';
import { RateLimitGate, type PauseInfo } from '../ratelimit/gate.js';
import type { StopReason } from '../outcomes.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { RateLimited } from './context.js';
import type { Slots } from './slots.js';

export interface RateLimitControl {
  gate: RateLimitGate;
  /** Pause every worker for `end` (or extend the pause in progress). */
  report: (end: RateLimited) => void;
  /** Stop listening to a shared gate (the experiment is over; its store is about to close). */
  close: () => void;
}

/**
 * How long every worker pauses for a rate limit, agents and judges alike: what the API or CLI said
 * (margin included), else `--rate-limit-wait`.
 */
export function pauseMs(
  limit: { retryAfterMs: number; estimated?: boolean } | undefined,
  config: Pick<ExperimentConfig, 'rateLimitWaitSeconds'>,
): number {
  return limit && !limit.estimated ? limit.retryAfterMs : config.rateLimitWaitSeconds * 1000;
}

/** A gate that logs when pauses start and end: one per experiment, or one for a whole batch. */
export function createLoggedGate(logger: Logger): RateLimitGate {
  return new RateLimitGate({
    onPause: (p) =>
      logger.warn(
        `rate limited (${p.source}, ${p.kind}: ${p.reason}): pausing every worker until ${new Date(p.until).toISOString()}`,
      ),
    onResume: () => logger.info('rate-limit pause over: resuming'),
  });
}

export function createRateLimitControl(deps: {
  config: Pick<ExperimentConfig, 'maxWaitSeconds'>;
  store: Store;
  slots: Slots;
  logger: Logger;
  /** Stop the experiment (resumably) with this reason. */
  stop: (why: StopReason) => void;
  /** One cheap request through this experiment's credentials: null = limit over, else ms to wait more. */
  probe: (p: PauseInfo) => Promise<number | null>;
  /** A gate shared with other experiments (a batch); by default the experiment has its own. */
  gate?: RateLimitGate;
}): RateLimitControl {
  const { config, store, slots } = deps;
  const gate = deps.gate ?? createLoggedGate(deps.logger);
  // The store row of the pause this experiment reported: a limit seen during it extends that row.
  let open: { id: number; until: number } | null = null;
  const close = gate.subscribe({
    // A probe that was limited too makes the pause longer: the record follows.
    onExtend: (p) => {
      if (open && p.until > open.until) {
        store.extendPause(open.id, new Date(p.until).toISOString());
        open.until = p.until;
      }
    },
    onResume: () => {
      if (open) store.endPause(open.id);
      open = null;
    },
  });
  const report = (end: RateLimited): void => {
    const until = Date.now() + end.retryAfterMs;
    if (config.maxWaitSeconds !== null && end.retryAfterMs > config.maxWaitSeconds * 1000) {
      slots.onRateLimit();
      // Recorded like any pause, and ended now: this invocation stops instead of sitting it out.
      store.endPause(
        store.addPause({
          source: end.source,
          kind: end.limit,
          until: new Date(until).toISOString(),
          reason: end.message,
        }),
      );
      deps.stop({
        kind: 'rate_limit_too_long',
        limit: end.limit,
        resetsAt: new Date(until).toISOString(),
        maxWaitSeconds: config.maxWaitSeconds,
      });
      return;
    }
    // A limit seen during this experiment's open pause extends it (onExtend records that).
    if (!open || !gate.paused) {
      if (!gate.paused) slots.onRateLimit();
      const iso = new Date(until).toISOString();
      open = {
        id: store.addPause({ source: end.source, kind: end.limit, until: iso, reason: end.message }),
        until,
      };
    }
    const info: PauseInfo = { source: end.source, kind: end.limit, until, reason: end.message };
    gate.pause({ ...info, probe: () => deps.probe(gate.paused ?? info) });
  };
  return { gate, report, close };
}
