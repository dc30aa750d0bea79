// A worker's scratch store: a real store of one run (seeded with the coordinator's row) that also
// tells every write of the run pipeline — each transition, each judging — as a Change, so the same
// writes can be replayed, in order, on the coordinator's store.
import { InternalError } from '../errors.js';
import type { RunState } from '../store/run-state.js';
import { Store, type JudgingOutcome, type NewJudgment, type RunKey, type RunPatch } from '../store/store.js';
import type { Change } from './messages.js';

export class RecordingStore extends Store {
  constructor(
    file: string,
    private readonly onChange: (change: Change, after: RunState) => void,
  ) {
    super(file);
  }

  override transition(
    k: RunKey,
    from: RunState | readonly RunState[],
    to: RunState,
    patch: RunPatch = {},
    detail?: string,
  ): void {
    const was = this.stateOf(k);
    super.transition(k, from, to, patch, detail);
    this.onChange({ kind: 'transition', from: was, to, patch, detail: detail ?? null }, to);
  }

  override recordJudging(k: RunKey, judgments: NewJudgment[], outcome: JudgingOutcome): void {
    super.recordJudging(k, judgments, outcome);
    this.onChange({ kind: 'judging', judgments, outcome }, this.stateOf(k));
  }

  /** The pipeline never discards on a worker: the coordinator does that before it enqueues. */
  override discardAttempt(k: RunKey): void {
    throw new InternalError(`a worker was asked to discard an attempt of ${k.tier}/${k.subtest}/${k.run}`);
  }

  private stateOf(k: RunKey): RunState {
    const row = this.getRun(k);
    if (!row) throw new InternalError(`run ${k.tier}/${k.subtest}/${k.run} is not in the scratch store`);
    return row.state;
  }
}
