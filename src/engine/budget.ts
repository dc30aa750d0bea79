// The dollar cap (`--max-cost-usd`, `max_cost_usd`): no new agent starts once what was spent plus
// the projected cost of the agents already running would pass the cap.
import type { StoreReader } from '../store/reader.js';

export class Budget {
  private running = 0;

  constructor(
    private readonly capUsd: number | null,
    private readonly store: StoreReader,
  ) {}

  /** USD spent so far: every attempt of every run, including discarded ones. */
  spent(): number {
    return this.store.totalCostUsd();
  }

  /** Mean cost of the agent runs that finished so far (0 before the first). */
  meanAgentCost(): number {
    return this.store.meanAgentCostUsd();
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
