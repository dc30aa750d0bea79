// The sandbox of one queue's runs on a worker: chosen on this machine (its bubblewrap, its socat)
// at the queue's first job, from the experiment's `sandbox` and `network` settings, and shared by
// every job of the queue. The worker's whole work directory (clones with other runs' branches,
// other jobs' scratch directories) is hidden; each run's own directories are bound on top, the
// task's pristine history read-only, exactly as on a coordinator.
import type { ExperimentConfig } from '../config/experiment-config.js';
import {
  describeSandboxChoice,
  gateOptions,
  sandboxSetup,
  type SandboxSetup,
} from '../engine/sandbox-policy.js';
import { chooseSandbox } from '../sandbox/registry.js';
import { startNetworkGate, type NetworkGate } from '../sandbox/network-gate.js';
import type { Logger } from '../util/logger.js';

export interface WorkerSandbox {
  get(config: ExperimentConfig, taskStore: string): Promise<SandboxSetup>;
  /** Stop the network gate, if one was started. */
  close(): Promise<void>;
}

export function workerSandbox(o: {
  env: NodeJS.ProcessEnv;
  /** Directories of this worker no run may see (its work and scratch directories). */
  hidden: string[];
  logger: Logger;
}): WorkerSandbox {
  const setups = new Map<string, Promise<SandboxSetup>>();
  const gates: NetworkGate[] = [];
  const make = async (config: ExperimentConfig, taskStore: string): Promise<SandboxSetup> => {
    const choice = await chooseSandbox(config.sandbox, o.env, config.network);
    if (choice.kind === 'none') o.logger.warn(`warning: ${describeSandboxChoice(choice)}`);
    let gate: NetworkGate | undefined;
    if (choice.kind === 'bwrap' && config.network === 'allowlist') {
      gate = await startNetworkGate(gateOptions(config, o.env));
      gates.push(gate);
    }
    const [first, ...more] = o.hidden;
    const setup = sandboxSetup(choice, config, first, taskStore, o.env, gate);
    return { ...setup, hidden: [...setup.hidden, ...more] };
  };
  return {
    get: (config, taskStore) => {
      let s = setups.get(taskStore);
      if (!s) {
        s = make(config, taskStore);
        setups.set(taskStore, s);
        // `--sandbox bwrap` impossible here fails this job; the next one tries again.
        s.catch(() => setups.delete(taskStore));
      }
      return s;
    },
    close: async () => {
      await Promise.allSettled(gates.map((g) => g.close()));
    },
  };
}
