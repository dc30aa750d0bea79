// The rate-limit gate: one pause for every worker. The first rate limit closes the gate until its
// reset time; every agent and judge request waits at the gate before it is sent.
import { setTimeout as sleep } from 'node:timers/promises';
import { whenAborted } from '../util/when-aborted.js';

/** Why the gate is closed. */
export interface PauseInfo {
  source: 'agent' | 'judge';
  kind: 'rate_limit' | 'overloaded' | 'usage_cap';
  until: number;
  reason: string;
  /**
   * Asked when the pause is over, by whoever hit the limit: null = resume, a number = still limited,
   * wait that many ms more. Without one the gate opens at `until`.
   */
  probe?: () => Promise<number | null>;
}

/** Notified when a pause starts and ends (the store records them, the progress view shows them). */
export interface GateListener {
  onPause?: (p: PauseInfo) => void;
  /** The active pause now lasts longer (a later limit, or a probe that was limited too). */
  onExtend?: (p: PauseInfo) => void;
  onResume?: (p: PauseInfo) => void;
}

export class RateLimitGate {
  private current: PauseInfo | null = null;
  private waiter: Promise<void> | null = null;
  private pauses = 0;
  private readonly listeners: GateListener[];

  constructor(listener: GateListener = {}) {
    this.listeners = [listener];
  }

  /**
   * Also tell `l` when pauses start and end (a gate shared by the experiments of a batch tells each
   * of them); returns the unsubscribe function.
   */
  subscribe(l: GateListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Number of pauses so far (adaptive concurrency uses it). */
  get pauseCount(): number {
    return this.pauses;
  }

  /** The active pause, if any. */
  get paused(): PauseInfo | null {
    return this.current;
  }

  /** Close the gate until `info.until` (extends an active pause, never shortens it). */
  pause(info: PauseInfo): void {
    if (this.current && this.current.until >= info.until) return;
    const first = !this.current;
    this.current = info;
    if (first) {
      this.pauses++;
      for (const l of [...this.listeners]) l.onPause?.(info);
      this.waiter = this.sleepUntilOpen();
    } else for (const l of [...this.listeners]) l.onExtend?.(info);
  }

  private async sleepUntilOpen(): Promise<void> {
    for (;;) {
      while (this.current && Date.now() < this.current.until) {
        await sleep(Math.min(1000, Math.max(0, this.current.until - Date.now())));
      }
      const pause = this.current;
      if (!pause) break;
      if (!pause.probe) break;
      const more = await pause.probe().catch(() => null);
      if (more === null) break;
      // A pause reported while probing may already reach further.
      const latest = this.current ?? pause;
      this.current = { ...latest, until: Math.max(latest.until, Date.now() + more) };
      for (const l of [...this.listeners]) l.onExtend?.(this.current);
    }
    const ended = this.current;
    this.current = null;
    this.waiter = null;
    if (ended) for (const l of [...this.listeners]) l.onResume?.(ended);
  }

  /** Resolve when the gate is open (immediately when it is), or when `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    while (this.waiter) {
      if (signal?.aborted) return;
      await (signal ? Promise.race([this.waiter, whenAborted(signal)]) : this.waiter);
    }
  }
}
