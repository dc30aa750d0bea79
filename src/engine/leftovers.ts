// What a killed earlier Scylla left running for a run: the agent processes it recorded (and every
// group they started) and whatever still runs inside the run's workspace. They are ended before the
// workspace is touched again, so a resumed run is one agent's work, never two agents' mixed.
import { runLabel } from '../store/run-key.js';
import type { RunRow } from '../store/rows.js';
import { isFinal } from '../store/run-state.js';
import { endLeftoverProcess, processStartTicks, reapProcessesIn } from '../util/process-group.js';
import { workspaceDir } from '../workspace/paths.js';
import type { ExperimentContext, RunSpec } from './context.js';

/** End every leftover process of the run (a no-op for a run that never started or is finished). */
export async function endLeftovers(ctx: ExperimentContext, spec: RunSpec, row: RunRow): Promise<void> {
  const live = ctx.store.liveProcesses(spec);
  if (!live.length && (row.state === 'pending' || isFinal(row.state))) return;
  let ended = 0;
  for (const p of live) if (await endLeftoverProcess(p.pid, p.start_ticks)) ended++;
  ended += await reapProcessesIn(workspaceDir(spec.runDir));
  if (live.length) ctx.store.processesEnded(spec);
  if (ended)
    ctx.logger.warn(`${runLabel(spec)}: ended ${ended} process(es) an earlier scylla left running in it`);
}

/** Record the agent process of the run's current attempt as it starts; call the result when it ended. */
export function trackAgentProcess(ctx: ExperimentContext, spec: RunSpec) {
  let id: number | null = null;
  return {
    onSpawn: (pid: number) => {
      id = ctx.store.processStarted(spec, { pid, startTicks: processStartTicks(pid), role: 'agent' });
    },
    ended: () => {
      if (id !== null) ctx.store.processEnded(id);
    },
  };
}
