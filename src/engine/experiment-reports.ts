// The reports of an experiment as the engine ends it: written only when the store moved since they
// were, and whether anything is left to run at all (then a resume is a query, not a session).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, type ExperimentConfig } from '../config/experiment-config.js';
import type { Tier } from '../fixture/discover.js';
import { experimentStats, type ExperimentStats } from '../stats/experiment-stats.js';
import type { StoreReader } from '../store/reader.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { planRuns } from './planner.js';

/** The formats every report level is written in. */
const FORMATS = ['md', 'json', 'html'];

/** Tiers and their subtests as the report writers take them. */
export const reportTiers = (tiers: Tier[]) =>
  tiers.map((t) => ({
    id: t.id,
    subtests: t.subtests.map((s) => ({ id: s.id, name: s.name, description: s.description })),
  }));

/** Is every requested run of every requested tier finished (and kept or cleaned as asked)? */
export function nothingLeft(store: StoreReader, tiers: Tier[], config: ExperimentConfig): boolean {
  const plan = planRuns(
    tiers.flatMap((t) => t.subtests.map((s) => ({ tier: t.id, subtest: s.id }))),
    config.runs,
    store.runs(),
  );
  return plan.every((p) => p.action === 'skip' || (p.stage === 'finalized' && config.keepWorkspaces));
}

/**
 * Write every report, unless the reports on disk were written from this very state of the store
 * (no run moved since, same judge set and Scylla): then only the statistics are computed.
 */
export async function reportsIfStale(
  store: Store,
  expDir: string,
  config: ExperimentConfig,
  tiers: Tier[],
): Promise<ExperimentStats> {
  const now = {
    lastTransition: store.lastTransitionId(),
    judgeSet: store.currentJudgeSet(),
    version: VERSION,
    formats: FORMATS,
  };
  const was = store.getKv('reports_written');
  if (was && canonicalJson(was) === canonicalJson(now) && existsSync(join(expDir, 'report.json')))
    return experimentStats(store, expDir, reportTiers(tiers), undefined, { intervals: false });
  // The writers (and, for report.html, the chart libraries) are loaded only when there is work.
  const { writeAllReports } = await import('../report/write-reports.js');
  const stats = await writeAllReports({ store, expDir, config, tiers: reportTiers(tiers) });
  store.setKv('reports_written', now);
  return stats;
}

/** A bookkeeping write that must not hide the error being reported (e.g. on a full disk). */
export function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // the state stays as it was; resume and `status` cope with it
  }
}
