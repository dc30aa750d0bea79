// Opens the experiment to resume (same id, newest directory) or creates a new one; refuses a changed
// configuration (says what changed) and a directory another live scylla process owns.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  configHash,
  describeChanges,
  hashedPart,
  type ExperimentConfig,
} from '../config/experiment-config.js';
import { ConfigError, ExperimentBusyError } from '../errors.js';
import { Store } from '../store/store.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { withLockFile } from '../util/lock-file.js';
import { VERSION } from '../version.js';
import {
  copyInputs,
  createExperimentDir,
  DB_FILE,
  findLatestExperimentDir,
  prepareResultsDir,
} from './experiment-dir.js';
import { liveOwner } from './liveness.js';

export interface OpenedExperiment {
  expDir: string;
  store: Store;
  resumed: boolean;
}

/**
 * Open for resume, or create. Takes ownership (pid + heartbeat) atomically: choosing or creating the
 * directory happens under a lock per experiment id, so two simultaneous starts make one experiment
 * (the second finds it owned and refuses).
 */
export function openExperiment(
  config: ExperimentConfig,
  opts: { fresh?: boolean; dir?: string } = {},
): OpenedExperiment {
  prepareResultsDir(config.resultsDir);
  const lock = join(config.resultsDir, `.${config.experimentId}.lock`);
  return withLockFile(lock, () => openOrCreate(config, opts));
}

function openOrCreate(config: ExperimentConfig, opts: { fresh?: boolean; dir?: string }): OpenedExperiment {
  const existing =
    opts.dir ?? (opts.fresh ? undefined : findLatestExperimentDir(config.resultsDir, config.experimentId));
  if (existing && existsSync(join(existing, DB_FILE))) {
    const store = new Store(join(existing, DB_FILE));
    try {
      const exp = store.experiment();
      if (!exp)
        throw new ConfigError('state database has no experiment row', { file: join(existing, DB_FILE) });
      if (exp.config_hash !== configHash(config)) {
        const stored = JSON.parse(exp.config_json) as ExperimentConfig;
        const changes = describeChanges(hashedPart(stored), hashedPart(config));
        throw new ConfigError(
          `the configuration differs from the one experiment ${existing} was started with:\n  ${changes.join('\n  ')}\n` +
            'Run again with the original settings to resume it, or add --fresh to start a new experiment directory.',
          { file: join(existing, 'experiment.json') },
        );
      }
      claimOrRefuse(store, existing);
      return { expDir: existing, store, resumed: true };
    } catch (e) {
      store.close();
      throw e;
    }
  }
  const expDir = createExperimentDir(config.resultsDir, config.experimentId);
  copyInputs(expDir, { prompt: config.promptFile, criteria: config.criteriaFile, rubric: config.rubricFile });
  writeJsonAtomic(join(expDir, 'experiment.json'), config);
  const store = new Store(join(expDir, DB_FILE));
  store.initExperiment({
    experimentId: config.experimentId,
    configJson: JSON.stringify(config),
    configHash: configHash(config),
    version: VERSION,
  });
  store.claim(process.pid, () => null);
  return { expDir, store, resumed: false };
}

function claimOrRefuse(store: Store, dir: string): void {
  const owner = store.claim(process.pid, (pid, heartbeat) => liveOwner(pid, heartbeat));
  if (owner !== null) throw new ExperimentBusyError(dir, owner);
}
