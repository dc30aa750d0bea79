// Opening an existing experiment directory for reporting: its store (must exist), config and tiers.
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { openStoreReader, type StoreReader } from '../store/reader.js';
import { loadExperimentConfig, tiersFromStore, type ReportTier } from './store-tiers.js';

/** An experiment directory opened for reading. Close the store when done. */
export interface OpenedResults {
  expDir: string;
  store: StoreReader;
  config: ExperimentConfig | null;
  tiers: ReportTier[];
  experimentId: string;
}

/** Open `dir` (an experiment directory with scylla.db) read-only; NotAnExperimentError when it is not one. */
export function openResults(dir: string): OpenedResults {
  const expDir = resolve(dir);
  const store = openStoreReader(join(expDir, 'scylla.db'));
  const config = loadExperimentConfig(expDir, store);
  return {
    expDir,
    store,
    config,
    tiers: tiersFromStore(store),
    experimentId: config?.experimentId ?? store.experiment()?.experiment_id ?? expDir,
  };
}
