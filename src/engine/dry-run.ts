// `scylla run --dry-run`: what the next invocation would do, without doing any of it. Reads the
// experiment it would resume (read-only), resolves every subtest, and plans every run.
import { join } from 'node:path';
import {
  configHash,
  describeChanges,
  hashedPart,
  type ExperimentConfig,
} from '../config/experiment-config.js';
import { discoverExperiment } from '../fixture/discover.js';
import { loadResourceLibrary } from '../fixture/resource-library.js';
import { resolveSubtest } from '../fixture/resolve-subtest.js';
import { openStoreReader } from '../store/reader.js';
import type { RunRow } from '../store/rows.js';
import { DB_FILE, findLatestExperimentDir } from './experiment-dir.js';
import { planRuns, summarizePlan, tierGroups, type PlannedRun } from './planner.js';

export interface DryRunPlan {
  /** The directory that would be resumed, or null for a new experiment. */
  resumeDir: string | null;
  /** Hashed settings that differ from the resumed experiment's (the run would refuse). */
  configChanges: string[];
  groups: string[][];
  subtests: { tier: string; subtest: string; name: string; counts: Record<PlannedRun['action'], number> }[];
  totals: Record<PlannedRun['action'], number>;
}

function storedState(dir: string): { rows: RunRow[]; config: ExperimentConfig | null } {
  const store = openStoreReader(join(dir, DB_FILE));
  try {
    const exp = store.experiment();
    return { rows: store.runs(), config: exp ? (JSON.parse(exp.config_json) as ExperimentConfig) : null };
  } finally {
    store.close();
  }
}

/** Plan the experiment `config` describes; nothing is written. */
export function planExperiment(config: ExperimentConfig, opts: { fresh?: boolean } = {}): DryRunPlan {
  const library = config.resourcesDir ? loadResourceLibrary(config.resourcesDir) : null;
  const tiers = discoverExperiment(config);
  const resumeDir = opts.fresh
    ? null
    : (findLatestExperimentDir(config.resultsDir, config.experimentId) ?? null);
  const stored = resumeDir ? storedState(resumeDir) : { rows: [], config: null };
  const configChanges =
    stored.config && configHash(stored.config) !== configHash(config)
      ? describeChanges(hashedPart(stored.config), hashedPart(config))
      : [];
  const subtests: DryRunPlan['subtests'] = [];
  const all: PlannedRun[] = [];
  for (const t of tiers) {
    for (const st of t.subtests) {
      resolveSubtest(st, library, {}); // every configuration problem surfaces now, with file and line
      const plan = planRuns([{ tier: t.id, subtest: st.id }], config.runs, stored.rows);
      all.push(...plan);
      subtests.push({ tier: t.id, subtest: st.id, name: st.name, counts: summarizePlan(plan) });
    }
  }
  return {
    resumeDir,
    configChanges,
    groups: tierGroups(tiers.map((t) => t.id)),
    subtests,
    totals: summarizePlan(all),
  };
}
