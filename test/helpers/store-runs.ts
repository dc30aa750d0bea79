// Moving a run along its stages in a real store, for tests of what comes after them.
import { RUN_STAGES } from '../../src/store/run-state.js';
import type { RunPatch } from '../../src/store/rows.js';
import type { RunKey, Store } from '../../src/store/store.js';

/**
 * Transition `k` from `pending` through every stage up to `to` (at most `pipeline_done`: judging
 * has its own transaction); `patch(stage)` may set columns on the way.
 */
export function advanceTo(
  store: Store,
  k: RunKey,
  to:
    | 'workspace_ready'
    | 'config_committed'
    | 'prompt_written'
    | 'agent_done'
    | 'diff_captured'
    | 'pipeline_done',
  patch: (stage: (typeof RUN_STAGES)[number]) => RunPatch = () => ({}),
): void {
  for (let i = 1; i <= RUN_STAGES.indexOf(to); i++)
    store.transition(k, RUN_STAGES[i - 1], RUN_STAGES[i], patch(RUN_STAGES[i]));
}
