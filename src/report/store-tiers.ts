// What an existing experiment directory contains, read back for `scylla report`: its tiers and
// subtests (with names) from the store, and its configuration from experiment.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExperimentConfigSchema, TIER_IDS, type ExperimentConfig } from '../config/experiment-config.js';
import type { SubtestInfo } from '../stats/experiment-stats.js';
import type { StoreReader } from '../store/reader.js';

/** A tier with its subtests, as writeAllReports takes it. */
export interface ReportTier {
  id: string;
  subtests: SubtestInfo[];
}

const tierRank = (id: string) => {
  const i = (TIER_IDS as readonly string[]).indexOf(id);
  return i < 0 ? TIER_IDS.length : i;
};
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tiers in T0..T6 order, subtests by id (directory order): one order for every report writer. */
export function sortTiers(tiers: readonly ReportTier[]): ReportTier[] {
  return [...tiers]
    .sort((a, b) => tierRank(a.id) - tierRank(b.id) || byId(a.id, b.id))
    .map((t) => ({ id: t.id, subtests: [...t.subtests].sort((a, b) => byId(a.id, b.id)) }));
}

/** Every subtest the store knows (table `subtests`, plus any that only have runs). */
export function tiersFromStore(store: StoreReader): ReportTier[] {
  const rows = store.subtests();
  const runRows = store.runs();
  const tiers = new Map<string, Map<string, SubtestInfo>>();
  const add = (tier: string, info: SubtestInfo) => {
    if (!tiers.has(tier)) tiers.set(tier, new Map());
    if (!tiers.get(tier)!.has(info.id)) tiers.get(tier)!.set(info.id, info);
  };
  for (const r of rows) {
    let name = r.subtest;
    let description = '';
    try {
      const j = JSON.parse(r.resolved_json) as { name?: unknown; description?: unknown };
      if (typeof j.name === 'string') name = j.name;
      if (typeof j.description === 'string') description = j.description;
    } catch {
      // A damaged resolved_json only costs the subtest its display name.
    }
    add(r.tier, { id: r.subtest, name, description });
  }
  for (const r of runRows) add(r.tier, { id: r.subtest, name: r.subtest, description: '' });
  return sortTiers([...tiers].map(([id, m]) => ({ id, subtests: [...m.values()] })));
}

/** The experiment's configuration: experiment.json, else the copy in the store; null if neither parses. */
export function loadExperimentConfig(expDir: string, store: StoreReader): ExperimentConfig | null {
  const candidates: string[] = [];
  const file = join(expDir, 'experiment.json');
  if (existsSync(file)) candidates.push(readFileSync(file, 'utf8'));
  const row = store.experiment();
  if (row) candidates.push(row.config_json);
  for (const c of candidates) {
    try {
      const parsed = ExperimentConfigSchema.safeParse(JSON.parse(c));
      if (parsed.success) return parsed.data;
    } catch {
      // try the next source
    }
  }
  return null;
}
