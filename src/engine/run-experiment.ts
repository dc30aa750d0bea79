// Runs (or resumes) one experiment. A finished one is a query: its store says nothing is left, so
// no base clone, sandbox or judge is set up and up-to-date reports are not written again; only
// then is the full path (experiment-work.ts) loaded and run.
import { join } from 'node:path';
import { discoverExperiment } from '../fixture/discover.js';
import { openStoreReader } from '../store/reader.js';
import { silentLogger } from '../util/logger.js';
import { DB_FILE, findLatestExperimentDir } from './experiment-dir.js';
import type { ExperimentOutcome, RunExperimentOptions } from './experiment-outcome.js';
import { bestEffort, nothingLeft, reportsIfStale } from './experiment-reports.js';
import { openExperiment } from './open-experiment.js';

export type { ExperimentOutcome, RunExperimentOptions } from './experiment-outcome.js';

/** Run (or resume) an experiment to the end. */
export async function runExperiment(opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const done = opts.fresh || opts.only || opts.until ? null : await resumeFinished(opts);
  if (done) return done;
  const { runWholeExperiment } = await import('./experiment-work.js');
  return runWholeExperiment(opts);
}

/** The outcome of resuming an experiment whose every requested run is finished; null otherwise. */
async function resumeFinished(opts: RunExperimentOptions): Promise<ExperimentOutcome | null> {
  const { config } = opts;
  const dir = opts.dir ?? findLatestExperimentDir(config.resultsDir, config.experimentId);
  if (!dir) return null;
  const tiers = discoverExperiment(config);
  const peek = openStoreReader(join(dir, DB_FILE));
  const finished = (() => {
    try {
      return nothingLeft(peek, tiers, config);
    } finally {
      peek.close();
    }
  })();
  if (!finished) return null;
  // Opened as for any resume: a changed configuration is refused, a live owner too.
  const { expDir, store } = openExperiment(config, { dir });
  const logger = opts.logger ?? silentLogger;
  try {
    logger.toFile(join(expDir, 'experiment.log.jsonl'));
    logger.info(`resuming experiment ${config.experimentId} in ${expDir}: every run is finished`);
    // A winner a crash kept from being recorded is recorded now (as the group loop would have).
    if (tiers.some((t) => !store.tierWinner(t.id))) {
      const [{ recordWinners }, { tierGroups }] = await Promise.all([
        import('./tier-baselines.js'),
        import('./planner.js'),
      ]);
      for (const group of tierGroups(tiers.map((t) => t.id)))
        recordWinners(
          store,
          expDir,
          group.map((id) => tiers.find((t) => t.id === id)!),
        );
    }
    const stats = await reportsIfStale(store, expDir, config, tiers);
    bestEffort(() => store.setExperimentStatus('completed', null));
    return { expDir, status: 'completed', stopReason: null, stats, resumed: true, unfinished: 0 };
  } finally {
    bestEffort(() => store.release(process.pid));
    store.close();
  }
}
