// Concurrency slots shared by every run (and every experiment of a batch): agents, judges, the build
// pipeline and live worktrees each have their own limit. The agent limit adapts to rate limits:
// halved after a pause, then raised by one after each few agent runs that finish without one.
import PQueue from 'p-queue';
import type { Logger } from '../util/logger.js';

export interface SlotLimits {
  agents: number;
  judges: number;
  pipelines: number;
  workspaces: number;
  /** Adapt the agent limit to rate limits (default true). */
  adaptive: boolean;
}

/** Agent runs that must finish without a rate limit before the limit is raised by one. */
export const RAMP_UP_AFTER = 2;

export class Slots {
  readonly agent: PQueue;
  readonly judge: PQueue;
  readonly pipeline: PQueue;
  readonly workspace: PQueue;
  private cleanSinceChange = 0;

  constructor(
    readonly limits: SlotLimits,
    private readonly logger: Logger,
  ) {
    this.agent = new PQueue({ concurrency: limits.agents });
    this.judge = new PQueue({ concurrency: limits.judges });
    this.pipeline = new PQueue({ concurrency: limits.pipelines });
    this.workspace = new PQueue({ concurrency: limits.workspaces });
  }

  /** Current agent limit. */
  get agentLimit(): number {
    return this.agent.concurrency;
  }

  /** A rate limit was seen: fewer agents at once after the pause. */
  onRateLimit(): void {
    this.cleanSinceChange = 0;
    if (!this.limits.adaptive) return;
    const next = Math.max(1, Math.floor(this.agent.concurrency / 2));
    if (next !== this.agent.concurrency) {
      this.logger.info(`adaptive concurrency: ${this.agent.concurrency} → ${next} agents after a rate limit`);
      this.agent.concurrency = next;
    }
  }

  /** An agent run finished without a rate limit: ramp back up towards the configured limit. */
  onAgentSuccess(): void {
    if (!this.limits.adaptive || this.agent.concurrency >= this.limits.agents) return;
    if (++this.cleanSinceChange < RAMP_UP_AFTER) return;
    this.cleanSinceChange = 0;
    const next = this.agent.concurrency + 1;
    this.logger.info(
      `adaptive concurrency: ${this.agent.concurrency} → ${next} agents (no rate limit since)`,
    );
    this.agent.concurrency = next;
  }
}

/** Default limits for `--parallel N`. */
export function defaultLimits(parallel: number, over: Partial<SlotLimits> = {}): SlotLimits {
  return {
    agents: parallel,
    judges: over.judges ?? parallel,
    pipelines: over.pipelines ?? Math.max(1, Math.min(parallel, 2)),
    workspaces: over.workspaces ?? parallel * 2,
    adaptive: over.adaptive ?? true,
  };
}
