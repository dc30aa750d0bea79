// Opening an existing experiment directory for reporting: its store (must exist), config and tiers.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { UsageError } from '../errors.js';
import { Store } from '../store/store.js';
import { loadExperimentConfig, tiersFromStore, type ReportTier } from './store-tiers.js';

/** An experiment directory opened for reading. Close the store when done. */
export interface OpenedResults {
  expDir: string;
  store: Store;
  config: ExperimentConfig | null;
  tiers: ReportTier[];
  experimentId: string;
}

/** Open `dir` (an experiment directory with scylla.db); UsageError when it is not one. */
export function openResults(dir: string): OpenedResults {
  const expDir = resolve(dir);
  const db = join(expDir, 'scylla.db');
  if (!existsSync(db)) throw new UsageError(`${dir} is not an experiment directory (no scylla.db)`);
  const store = new Store(db);
  const config = loadExperimentConfig(expDir, store);
  return {
    expDir,
    store,
    config,
    tiers: tiersFromStore(store),
    experimentId: config?.experimentId ?? store.experiment()?.experiment_id ?? expDir,
  };
}
