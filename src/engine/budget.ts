// The dollar cap (`--max-cost-usd`, `max_cost_usd`): no new agent starts once what was spent plus
// the projected cost of the agents already running would pass the cap.
import type { Store } from '../store/store.js';

export class Budget {
  private running = 0;

  constructor(
    private readonly capUsd: number | null,
    private readonly store: Store,
  ) {}

  /** USD spent so far: every attempt of every run, including discarded ones. */
  spent(): number {
    const runs = this.store.db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS s FROM runs').get() as {
      s: number;
    };
    return runs.s + Number(this.store.getKv('discarded_cost_usd') ?? 0);
  }

  /** Mean cost of the agent runs that finished so far (0 before the first). */
  meanAgentCost(): number {
    const r = this.store.db
      .prepare('SELECT AVG(cost_usd) AS m FROM runs WHERE cost_usd IS NOT NULL AND agent_failure IS NOT NULL')
      .get() as { m: number | null };
    return r.m ?? 0;
  }

  /** Projected total if every running agent costs the mean. */
  projected(): number {
    return this.spent() + this.running * this.meanAgentCost();
  }

  /** May one more agent start? */
  canStart(): boolean {
    if (this.capUsd === null) return true;
    return this.spent() + (this.running + 1) * this.meanAgentCost() <= this.capUsd;
  }

  started(): void {
    this.running++;
  }

  finished(): void {
    this.running = Math.max(0, this.running - 1);
  }

  get cap(): number | null {
    return this.capUsd;
  }
}
