// `scylla repair`: a store lost or damaged outside our control is rebuilt (or checked) from what the
// run directories hold. Plan, then apply: the plan is what the disk says each run is and how the
// store differs; applying writes a new store (the damaged one is kept aside) and changes no run file.
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgentResult } from '../agent/result.js';
import { ExperimentConfigSchema, configHash, type ExperimentConfig } from '../config/experiment-config.js';
import { ConfigError, NotAnExperimentError } from '../errors.js';
import { configFingerprint, ResolvedConfigSchema } from '../fixture/resolved-config.js';
import type { Judgment } from '../judge/judgment.js';
import { RESULT_OUTCOMES } from '../outcomes.js';
import { tiersFromStore } from '../report/store-tiers.js';
import { writeAllReports } from '../report/write-reports.js';
import { judgeSetDir, runResultDir } from '../stats/judge-set-files.js';
import { loadRunResult, type RunResult } from '../stats/run-result.js';
import { openStoreReader } from '../store/reader.js';
import type { RunRow } from '../store/rows.js';
import { isFinal, type RunState } from '../store/run-state.js';
import { Store, type JudgingOutcome, type NewJudgment } from '../store/store.js';
import { VERSION } from '../version.js';
import { workspaceDir } from '../workspace/paths.js';
import { DB_FILE } from './experiment-dir.js';
import { tierGroups } from './planner.js';
import { recordWinners } from './tier-baselines.js';

/** One run as its directory shows it. */
export interface FoundRun {
  row: Omit<RunRow, 'created_at' | 'updated_at'>;
  judgings: { judgeSet: number; judgments: NewJudgment[]; outcome: JudgingOutcome }[];
  /** The resolved configuration of its subtest, if the run kept it. */
  resolved: unknown;
}

export interface RepairPlan {
  expDir: string;
  /** `missing`: no store; `damaged`: it cannot be read or fails its integrity check; `ok`: readable. */
  store: 'missing' | 'damaged' | 'ok';
  found: FoundRun[];
  /** How the store differs from the disk (empty: they agree). */
  differences: string[];
}

const RUN_DIR = /^run_(\d+)$/;

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The judge sets a run was judged in (`judge/set_NN/run_result.json`), with set 1 first. */
function judgeSetsOf(runDir: string): number[] {
  const sets = [1];
  const dir = join(runDir, 'judge');
  if (existsSync(dir))
    for (const e of readdirSync(dir)) {
      const m = /^set_(\d+)$/.exec(e);
      if (m && existsSync(join(dir, e, 'run_result.json'))) sets.push(Number(m[1]));
    }
  return sets.sort((a, b) => a - b);
}

function judgingOf(rr: RunResult, runDir: string, judgeSet: number): FoundRun['judgings'][number] {
  const judgments: NewJudgment[] = rr.judges.map((j) => {
    const file = join(
      judgeSetDir(runDir, judgeSet),
      `judge_${String(j.judge_number).padStart(2, '0')}`,
      'judgment.json',
    );
    const full = (readJson(file) as Judgment | null) ?? j;
    return {
      tier: rr.tier,
      subtest: rr.subtest,
      run: rr.run_number,
      attempt: rr.attempt,
      judge_number: j.judge_number,
      model: j.model,
      valid: j.valid ? 1 : 0,
      failure: j.failure === 'unparseable' || j.failure === 'judge_error' ? j.failure : null,
      score: j.score,
      passed: j.passed === null ? null : j.passed ? 1 : 0,
      grade: j.grade,
      json: JSON.stringify(full),
    };
  });
  return {
    judgeSet,
    judgments,
    outcome: {
      valid: true,
      passed: rr.judge_passed,
      score: rr.judge_score,
      grade: rr.judge_grade,
      judgeDurationMs: Math.round(rr.judge_duration_seconds * 1000),
    },
  };
}

/** What the directory of one run says it is. */
export function foundRun(tier: string, subtest: string, run: number, runDir: string): FoundRun {
  const manifest = readJson(join(runDir, 'config_manifest.json')) as { resolved?: unknown } | null;
  const rr = loadRunResult(runDir);
  const base = {
    tier,
    subtest,
    run,
    failure: null,
    failure_detail: null,
    branch: rr?.branch ?? null,
    base_commit: rr?.base_commit || null,
    config_commit: rr?.config_commit || null,
    agent_commit: rr?.agent_commit || null,
    passed: null,
    score: null,
    grade: null,
    judge_duration_ms: null,
    finalized_at: null,
  };
  if (rr) {
    const judgings = judgeSetsOf(runDir).map((s) =>
      judgingOf(s === 1 ? rr : (loadRunResult(runResultDir(runDir, s)) ?? rr), runDir, s),
    );
    return {
      row: {
        ...base,
        state: existsSync(workspaceDir(runDir)) ? 'finalized' : 'cleaned',
        attempt: rr.attempt,
        agent_outcome: rr.agent_failure,
        passed: rr.judge_passed ? 1 : 0,
        score: rr.judge_score,
        grade: rr.judge_grade,
        cost_usd: rr.cost_usd,
        agent_duration_ms: Math.round(rr.agent_duration_seconds * 1000),
        judge_duration_ms: Math.round(rr.judge_duration_seconds * 1000),
        finalized_at: rr.finalized_at,
      },
      judgings,
      resolved: manifest?.resolved ?? null,
    };
  }
  // Unfinished: keep only what resume can build on. A result-kind agent run whose changes are still
  // in its worktree continues at the diff; everything else is done again from the start.
  const agent = loadAgentResult(join(runDir, 'agent'));
  const usable = agent && RESULT_OUTCOMES.includes(agent.failure) && existsSync(workspaceDir(runDir));
  const state: RunState = usable ? 'agent_done' : 'pending';
  return {
    row: {
      ...base,
      state,
      attempt: 1,
      agent_outcome: usable ? agent.failure : null,
      cost_usd: usable ? agent.costUsd : null,
      agent_duration_ms: usable ? agent.durationMs : null,
      config_commit: null,
    },
    judgings: [],
    resolved: manifest?.resolved ?? null,
  };
}

/** Every run directory below the experiment (`T0/00/run_01`), in order. */
function scanRuns(expDir: string): FoundRun[] {
  const out: FoundRun[] = [];
  for (const tier of readdirSync(expDir)
    .filter((t) => /^T\d$/.test(t))
    .sort())
    for (const subtest of readdirSync(join(expDir, tier))
      .filter((s) => /^\d{2}$/.test(s))
      .sort())
      for (const e of readdirSync(join(expDir, tier, subtest)).sort()) {
        const m = RUN_DIR.exec(e);
        if (m) out.push(foundRun(tier, subtest, Number(m[1]), join(expDir, tier, subtest, e)));
      }
  return out;
}

function configOf(expDir: string): ExperimentConfig {
  const file = join(expDir, 'experiment.json');
  if (!existsSync(file)) throw new NotAnExperimentError(expDir, 'no experiment.json in it');
  const parsed = ExperimentConfigSchema.safeParse(readJson(file));
  if (!parsed.success) throw new ConfigError('not a readable experiment configuration', { file });
  return parsed.data;
}

const FIELDS = ['state', 'attempt', 'passed', 'score', 'grade', 'cost_usd', 'agent_outcome'] as const;

/** What the disk holds, and how the store (if any) differs from it. Changes nothing. */
export function planRepair(expDir: string): RepairPlan {
  configOf(expDir);
  const found = scanRuns(expDir);
  const file = join(expDir, DB_FILE);
  if (!existsSync(file)) return { expDir, store: 'missing', found, differences: ['scylla.db is missing'] };
  let differences: string[];
  try {
    const store = openStoreReader(file);
    try {
      const ok = store.integrityOk();
      const rows = new Map(store.runs().map((r) => [`${r.tier}/${r.subtest}/${r.run}`, r]));
      differences = ok ? [] : ['the integrity check of scylla.db fails'];
      for (const f of found) {
        const k = `${f.row.tier}/${f.row.subtest}/${f.row.run}`;
        const r = rows.get(k);
        if (!r) differences.push(`${k}: on disk (${f.row.state}), not in the store`);
        else if (isFinal(f.row.state))
          for (const c of FIELDS)
            if (c !== 'state' && r[c] !== f.row[c])
              differences.push(`${k}: ${c} is ${String(r[c])} in the store, ${String(f.row[c])} on disk`);
      }
      if (!ok) return { expDir, store: 'damaged', found, differences };
    } finally {
      store.close();
    }
  } catch {
    return { expDir, store: 'damaged', found, differences: ['scylla.db cannot be read'] };
  }
  return { expDir, store: 'ok', found, differences };
}

/** When the experiment's log began (its first line), as an ISO time; null without a log. */
function firstLogTime(expDir: string): string | null {
  try {
    const first = readFileSync(join(expDir, 'experiment.log.jsonl'), 'utf8').split('\n', 1)[0];
    const t = (JSON.parse(first) as { time?: unknown }).time;
    return typeof t === 'number' ? new Date(t).toISOString() : null;
  } catch {
    return null;
  }
}

/** Write a new store from the plan (a damaged or differing one is kept aside), then the reports. */
export async function applyRepair(plan: RepairPlan): Promise<string | null> {
  const config = configOf(plan.expDir);
  const file = join(plan.expDir, DB_FILE);
  let kept: string | null = null;
  if (existsSync(file)) {
    kept = `${file}.before-repair-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, kept);
    for (const side of ['-wal', '-shm']) if (existsSync(file + side)) renameSync(file + side, kept + side);
  }
  const store = new Store(file);
  try {
    store.initExperiment({
      experimentId: config.experimentId,
      configJson: JSON.stringify(config),
      configHash: configHash(config),
      version: VERSION,
      startedAt: firstLogTime(plan.expDir),
    });
    for (const f of plan.found) {
      const resolved = ResolvedConfigSchema.safeParse(f.resolved);
      if (resolved.success && !store.subtestFingerprint(f.row.tier, f.row.subtest))
        store.putSubtest(
          f.row.tier,
          f.row.subtest,
          configFingerprint(resolved.data),
          JSON.stringify(resolved.data),
        );
      store.restoreRun(f.row, f.judgings);
    }
    const sets = Math.max(1, ...plan.found.flatMap((f) => f.judgings.map((j) => j.judgeSet)));
    if (sets > 1) store.completeJudgeSet(sets);
    // Tier and group winners again, as the tier groups of the experiment would have recorded them.
    const tiers = tiersFromStore(store);
    for (const group of tierGroups(tiers.map((t) => t.id)))
      recordWinners(
        store,
        plan.expDir,
        group.map((id) => tiers.find((t) => t.id === id)!),
      );
    const done = plan.found.length > 0 && plan.found.every((f) => isFinal(f.row.state));
    store.setExperimentStatus(done ? 'completed' : 'interrupted');
    await writeAllReports({ store, expDir: plan.expDir, config, tiers: tiersFromStore(store) });
  } finally {
    store.close();
  }
  return kept;
}
