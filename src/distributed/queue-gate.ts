// A worker's rate-limit gate for one queue: closed while the queue is paused. A limit this worker
// sees closes it at once (and pauses the queue for every other worker); a pause another worker or
// the coordinator made closes it when the pause is seen, or at the latest when an agent or judge
// is about to start (the gate asks the queue then). It opens when the coordinator resumes the queue.
import { RateLimitGate, type PauseInfo } from '../ratelimit/gate.js';

/** How often a closed gate asks whether the queue was resumed. */
const POLL_MS = 200;

export class QueueGate extends RateLimitGate {
  /** `held`: true while the queue is paused for a rate limit (a stop word opens the gate: see run-job). */
  constructor(private readonly held: () => Promise<boolean>) {
    super();
  }

  /** Closed until `info.until` at least, then as long as the queue stays paused. */
  hold(info: Partial<Omit<PauseInfo, 'probe'>> = {}): void {
    this.pause({
      source: info.source ?? 'agent',
      kind: info.kind ?? 'rate_limit',
      reason: info.reason ?? 'the queue is paused',
      until: info.until ?? Date.now() + POLL_MS,
      probe: async () => ((await this.stillHeld()) ? POLL_MS : null),
    });
  }

  override async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      await super.wait(signal);
      if (signal?.aborted || !(await this.stillHeld())) return;
      this.hold();
    }
  }

  private async stillHeld(): Promise<boolean> {
    try {
      return await this.held();
    } catch {
      return false; // Redis unreachable: no pause can be read; the worker's own limits still hold
    }
  }
}
