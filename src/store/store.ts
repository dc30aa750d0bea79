// The experiment store (scylla.db): experiment, subtests, runs and their stage transitions,
// judgments, rate-limit pauses, tier winners. Every state change is one SQLite transaction.
import { existsSync, linkSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { InternalError } from '../errors.js';
import { MIGRATIONS } from './schema.js';
import { RunStateSchema, type RunState } from './run-state.js';

/** Experiment status as stored. */
export const ExperimentStatusSchema = z.enum([
  'running',
  'completed',
  'interrupted',
  'failed',
  'budget_exhausted',
]);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

/** One run row. */
export const RunRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  state: RunStateSchema,
  attempt: z.number().int(),
  failure: z.string().nullable(),
  failure_detail: z.string().nullable(),
  branch: z.string().nullable(),
  base_commit: z.string().nullable(),
  config_commit: z.string().nullable(),
  agent_commit: z.string().nullable(),
  agent_failure: z.string().nullable(),
  passed: z.number().int().nullable(),
  score: z.number().nullable(),
  grade: z.string().nullable(),
  cost_usd: z.number().nullable(),
  agent_duration_ms: z.number().nullable(),
  judge_duration_ms: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finalized_at: z.string().nullable(),
});
export type RunRow = z.infer<typeof RunRowSchema>;

/** Identifies a run. */
export interface RunKey {
  tier: string;
  subtest: string;
  run: number;
}

/** Columns a transition may set alongside the new state. */
export type RunPatch = Partial<
  Pick<
    RunRow,
    | 'failure'
    | 'failure_detail'
    | 'branch'
    | 'base_commit'
    | 'config_commit'
    | 'agent_commit'
    | 'agent_failure'
    | 'passed'
    | 'score'
    | 'grade'
    | 'cost_usd'
    | 'agent_duration_ms'
    | 'judge_duration_ms'
    | 'finalized_at'
    | 'attempt'
  >
>;

/** Experiment row. */
export interface ExperimentRow {
  experiment_id: string;
  config_json: string;
  config_hash: string;
  status: ExperimentStatus;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  owner_pid: number | null;
  heartbeat_at: string | null;
  scylla_version: string;
}

/** A stored judgment of one judge on one run attempt. */
export interface JudgmentRow {
  tier: string;
  subtest: string;
  run: number;
  attempt: number;
  judge_number: number;
  model: string;
  valid: number;
  failure: string | null;
  score: number | null;
  passed: number | null;
  grade: string | null;
  json: string;
  created_at: string;
}

const now = () => new Date().toISOString();

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Bring the schema up to date; each step re-reads the version inside its write transaction. */
function migrate(db: Database.Database): void {
  for (;;) {
    const done = db
      .transaction(() => {
        const v = db.pragma('user_version', { simple: true }) as number;
        if (v >= MIGRATIONS.length) return true;
        db.exec(MIGRATIONS[v]);
        db.pragma(`user_version = ${v + 1}`);
        return false;
      })
      .immediate();
    if (done) return;
  }
}

/**
 * Make a new store file appear with its whole schema at once: it is built under a private name
 * and linked into place, so anyone who sees `scylla.db` (a `scylla status`, a user's sqlite3)
 * never finds it empty. If another process got there first, its file is kept.
 */
function createComplete(file: string): void {
  const tmp = `${file}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = openDb(tmp);
  try {
    migrate(db);
  } finally {
    db.close();
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

/** Open handle on one experiment's scylla.db. */
export class Store {
  readonly db: Database.Database;

  constructor(readonly file: string) {
    if (!existsSync(file)) createComplete(file);
    this.db = openDb(file);
    migrate(this.db);
  }

  close(): void {
    this.db.close();
  }

  // --- experiment ---------------------------------------------------------------------------

  initExperiment(e: { experimentId: string; configJson: string; configHash: string; version: string }): void {
    this.db
      .prepare(
        `INSERT INTO experiment (id, experiment_id, config_json, config_hash, status, created_at, scylla_version)
         VALUES (1, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(e.experimentId, e.configJson, e.configHash, now(), e.version);
  }

  experiment(): ExperimentRow | undefined {
    return this.db.prepare('SELECT * FROM experiment WHERE id = 1').get() as ExperimentRow | undefined;
  }

  setExperimentStatus(status: ExperimentStatus): void {
    const completed = status === 'completed' ? now() : null;
    this.db
      .prepare('UPDATE experiment SET status = ?, completed_at = COALESCE(?, completed_at) WHERE id = 1')
      .run(status, completed);
  }

  /** Take ownership for this process (pid + heartbeat) and mark the experiment running. */
  claim(pid: number): void {
    this.db
      .prepare(
        `UPDATE experiment SET owner_pid = ?, heartbeat_at = ?, status = 'running',
         started_at = COALESCE(started_at, ?) WHERE id = 1`,
      )
      .run(pid, now(), now());
  }

  heartbeat(pid: number): void {
    this.db.prepare('UPDATE experiment SET heartbeat_at = ? WHERE id = 1 AND owner_pid = ?').run(now(), pid);
  }

  release(pid: number): void {
    this.db.prepare('UPDATE experiment SET owner_pid = NULL WHERE id = 1 AND owner_pid = ?').run(pid);
  }

  // --- subtests -----------------------------------------------------------------------------

  subtestFingerprint(
    tier: string,
    subtest: string,
  ): { fingerprint: string; resolved_json: string } | undefined {
    return this.db
      .prepare('SELECT fingerprint, resolved_json FROM subtests WHERE tier = ? AND subtest = ?')
      .get(tier, subtest) as { fingerprint: string; resolved_json: string } | undefined;
  }

  putSubtest(tier: string, subtest: string, fingerprint: string, resolvedJson: string): void {
    this.db
      .prepare(
        `INSERT INTO subtests (tier, subtest, fingerprint, resolved_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (tier, subtest) DO UPDATE SET fingerprint = excluded.fingerprint, resolved_json = excluded.resolved_json`,
      )
      .run(tier, subtest, fingerprint, resolvedJson);
  }

  // --- runs ---------------------------------------------------------------------------------

  /** Insert runs that do not exist yet, in state `pending`. Existing rows are left alone. */
  ensureRuns(keys: RunKey[]): void {
    const ins = this.db.prepare(
      `INSERT OR IGNORE INTO runs (tier, subtest, run, state, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)`,
    );
    this.db.transaction(() => {
      for (const k of keys) ins.run(k.tier, k.subtest, k.run, now(), now());
    })();
  }

  getRun(k: RunKey): RunRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM runs WHERE tier = ? AND subtest = ? AND run = ?')
      .get(k.tier, k.subtest, k.run);
    return row ? RunRowSchema.parse(row) : undefined;
  }

  runs(filter: { tier?: string; subtest?: string } = {}): RunRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM runs WHERE (? IS NULL OR tier = ?) AND (? IS NULL OR subtest = ?) ORDER BY tier, subtest, run`,
      )
      .all(filter.tier ?? null, filter.tier ?? null, filter.subtest ?? null, filter.subtest ?? null);
    return rows.map((r) => RunRowSchema.parse(r));
  }

  /**
   * Move a run from `from` to `to`, setting `patch` columns, in one transaction. Refuses (bug)
   * when the run is not in `from` — two writers can never both advance a run.
   */
  transition(
    k: RunKey,
    from: RunState | readonly RunState[],
    to: RunState,
    patch: RunPatch = {},
    detail?: string,
  ): void {
    const froms = (Array.isArray(from) ? from : [from]) as RunState[];
    this.db.transaction(() => {
      const cur = this.getRun(k);
      if (!cur) throw new InternalError(`run ${k.tier}/${k.subtest}/${k.run} does not exist`);
      if (!froms.includes(cur.state))
        throw new InternalError(
          `run ${k.tier}/${k.subtest}/${k.run} is ${cur.state}, expected ${froms.join('|')}`,
        );
      const cols = Object.keys(patch) as (keyof RunPatch)[];
      const sets = ['state = ?', 'updated_at = ?', ...cols.map((c) => `${c} = ?`)].join(', ');
      this.db
        .prepare(`UPDATE runs SET ${sets} WHERE tier = ? AND subtest = ? AND run = ?`)
        .run(to, now(), ...cols.map((c) => patch[c] ?? null), k.tier, k.subtest, k.run);
      this.db
        .prepare(
          'INSERT INTO transitions (tier, subtest, run, from_state, to_state, at, detail) VALUES (?,?,?,?,?,?,?)',
        )
        .run(k.tier, k.subtest, k.run, cur.state, to, now(), detail ?? null);
    })();
  }

  transitions(
    k: RunKey,
  ): { from_state: string | null; to_state: string; at: string; detail: string | null }[] {
    return this.db
      .prepare(
        'SELECT from_state, to_state, at, detail FROM transitions WHERE tier = ? AND subtest = ? AND run = ? ORDER BY id',
      )
      .all(k.tier, k.subtest, k.run) as {
      from_state: string | null;
      to_state: string;
      at: string;
      detail: string | null;
    }[];
  }

  // --- judgments ----------------------------------------------------------------------------

  addJudgments(rows: Omit<JudgmentRow, 'created_at'>[]): void {
    const ins = this.db.prepare(
      `INSERT INTO judgments (tier, subtest, run, attempt, judge_number, model, valid, failure, score, passed, grade, json, created_at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.db.transaction(() => {
      for (const r of rows)
        ins.run(
          r.tier,
          r.subtest,
          r.run,
          r.attempt,
          r.judge_number,
          r.model,
          r.valid,
          r.failure,
          r.score,
          r.passed,
          r.grade,
          r.json,
          now(),
        );
    })();
  }

  judgments(k?: RunKey): JudgmentRow[] {
    if (!k) return this.db.prepare('SELECT * FROM judgments ORDER BY id').all() as JudgmentRow[];
    return this.db
      .prepare('SELECT * FROM judgments WHERE tier = ? AND subtest = ? AND run = ? ORDER BY id')
      .all(k.tier, k.subtest, k.run) as JudgmentRow[];
  }

  // --- pauses, winners, kv ------------------------------------------------------------------

  addPause(p: { source: string; kind: string; until: string; reason: string }): number {
    const r = this.db
      .prepare('INSERT INTO pauses (source, kind, started_at, until, reason) VALUES (?,?,?,?,?)')
      .run(p.source, p.kind, now(), p.until, p.reason);
    return Number(r.lastInsertRowid);
  }

  /** Move the end of a pause later (never earlier). */
  extendPause(id: number, until: string): void {
    this.db.prepare('UPDATE pauses SET until = max(until, ?) WHERE id = ?').run(until, id);
  }

  endPause(id: number): void {
    this.db.prepare('UPDATE pauses SET ended_at = ? WHERE id = ?').run(now(), id);
  }

  pauses(): {
    id: number;
    source: string;
    kind: string;
    started_at: string;
    until: string;
    ended_at: string | null;
    reason: string | null;
  }[] {
    return this.db.prepare('SELECT * FROM pauses ORDER BY id').all() as ReturnType<Store['pauses']>;
  }

  setTierWinner(tier: string, subtest: string, resolvedJson: string): void {
    this.db
      .prepare(
        `INSERT INTO tier_winners (tier, subtest, resolved_json, recorded_at) VALUES (?,?,?,?)
         ON CONFLICT (tier) DO NOTHING`,
      )
      .run(tier, subtest, resolvedJson, now());
  }

  tierWinner(tier: string): { subtest: string; resolved_json: string } | undefined {
    return this.db.prepare('SELECT subtest, resolved_json FROM tier_winners WHERE tier = ?').get(tier) as
      { subtest: string; resolved_json: string } | undefined;
  }

  getKv(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  setKv(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
