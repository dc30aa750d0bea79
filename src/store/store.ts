// The experiment store (scylla.db), for writing: experiment, subtests, runs and their stage
// transitions, judgments, discarded attempts, rate-limit pauses, tier winners. Every state change is
// one named SQLite transaction; the database handle never leaves `src/store/`.
import { InternalError } from '../errors.js';
import type { StopReason } from '../outcomes.js';
import { openReadWrite } from './connection.js';
import { KV_ENTRIES, type KvKey, type KvValue } from './kv.js';
import { StoreReader } from './reader.js';
import type {
  ExperimentStatus,
  JudgmentRow,
  PauseRow,
  ProcessRow,
  RerunRow,
  RunPatch,
  RunRow,
} from './rows.js';
import { runLabel, type RunKey } from './run-key.js';
import type { RunState } from './run-state.js';

export type * from './rows.js';
export type { RunKey } from './run-key.js';
export { ExperimentStatusSchema, RunRowSchema } from './rows.js';

const now = () => new Date().toISOString();

/** A judgment to store (the store adds the judge set and the time). */
export type NewJudgment = Omit<JudgmentRow, 'created_at' | 'judge_set'>;

/** The outcome of judging one run attempt, stored with its judgments in one transaction. */
export type JudgingOutcome =
  | { valid: true; passed: boolean; score: number | null; grade: string | null; judgeDurationMs: number }
  | { valid: false; judgeDurationMs: number };

/** Read-write handle on one experiment's scylla.db (created with its whole schema if missing). */
export class Store extends StoreReader {
  constructor(file: string) {
    super(file, openReadWrite(file));
  }

  // --- experiment ---------------------------------------------------------------------------

  initExperiment(e: {
    experimentId: string;
    configJson: string;
    configHash: string;
    version: string;
    /** When it first started (a repaired store takes it from the experiment's log). */
    startedAt?: string | null;
  }): void {
    this.db
      .prepare(
        `INSERT INTO experiment (id, experiment_id, config_json, config_hash, status, created_at, started_at, scylla_version)
         VALUES (1, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(e.experimentId, e.configJson, e.configHash, now(), e.startedAt ?? null, e.version);
    this.db
      .prepare(
        `INSERT OR IGNORE INTO judge_sets (id, created_at, completed_at, spec_json) VALUES (1, ?, ?, '{}')`,
      )
      .run(now(), now());
  }

  /** Replace the stored configuration (an experiment grown by more tiers, runs or subtests). */
  updateConfig(configJson: string): void {
    this.db.prepare('UPDATE experiment SET config_json = ? WHERE id = 1').run(configJson);
  }

  /** Record how the experiment ended this time (and why, when it stopped early). */
  setExperimentStatus(status: ExperimentStatus, stopReason: StopReason | null = null): void {
    const completed = status === 'completed' ? now() : null;
    this.db
      .prepare(
        'UPDATE experiment SET status = ?, stop_reason = ?, completed_at = COALESCE(?, completed_at) WHERE id = 1',
      )
      .run(status, stopReason ? JSON.stringify(stopReason) : null, completed);
  }

  /**
   * Take ownership for this process (pid + heartbeat) and mark the experiment running, unless
   * `liveOwner` names another live owner: then nothing changes and that pid is returned. One
   * IMMEDIATE transaction, so two processes can never both win.
   */
  claim(
    pid: number,
    liveOwner: (ownerPid: number | null, heartbeatAt: string | null) => number | null,
  ): number | null {
    return this.db
      .transaction(() => {
        const exp = this.experiment();
        const other = liveOwner(exp?.owner_pid ?? null, exp?.heartbeat_at ?? null);
        if (other !== null) return other;
        this.db
          .prepare(
            `UPDATE experiment SET owner_pid = ?, heartbeat_at = ?, status = 'running', stop_reason = NULL,
             started_at = COALESCE(started_at, ?) WHERE id = 1`,
          )
          .run(pid, now(), now());
        return null;
      })
      .immediate();
  }

  heartbeat(pid: number): void {
    this.relaxed(() =>
      this.db
        .prepare('UPDATE experiment SET heartbeat_at = ? WHERE id = 1 AND owner_pid = ?')
        .run(now(), pid),
    );
  }

  /**
   * A write that need not survive a power loss (a heartbeat, a record of a running process: neither
   * the owner nor the process does), committed without forcing the log to disk; kill -9 keeps it.
   */
  private relaxed<T>(write: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  release(pid: number): void {
    this.db.prepare('UPDATE experiment SET owner_pid = NULL WHERE id = 1 AND owner_pid = ?').run(pid);
  }

  // --- subtests -----------------------------------------------------------------------------

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
    this.db.transaction(() => this.transitionIn(k, from, to, patch, detail))();
  }

  /** The body of `transition`, for use inside another of this store's transactions. */
  private transitionIn(
    k: RunKey,
    from: RunState | readonly RunState[],
    to: RunState,
    patch: RunPatch,
    detail?: string,
  ): RunRow {
    const froms = (Array.isArray(from) ? from : [from]) as RunState[];
    const cur = this.getRun(k);
    if (!cur) throw new InternalError(`run ${runLabel(k)} does not exist`);
    if (!froms.includes(cur.state))
      throw new InternalError(`run ${runLabel(k)} is ${cur.state}, expected ${froms.join('|')}`);
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
    return cur;
  }

  /**
   * Discard the run's current attempt (its cost still counts) and start the next one at `pending`,
   * in one transaction.
   */
  discardAttempt(k: RunKey, from: RunState | readonly RunState[], reason: string): void {
    this.db.transaction(() => {
      const cur = this.transitionIn(
        k,
        from,
        'pending',
        {
          cost_usd: null,
          agent_duration_ms: null,
          judge_duration_ms: null,
          config_commit: null,
          agent_commit: null,
          agent_outcome: null,
          failure: null,
          failure_detail: null,
          passed: null,
          score: null,
          grade: null,
          finalized_at: null,
        },
        reason,
      );
      this.db
        .prepare(
          `INSERT INTO attempts (tier, subtest, run, attempt, state, failure, cost_usd, discarded_at, reason)
           VALUES (?,?,?,?,?,?,?,?,?)`,
        )
        .run(k.tier, k.subtest, k.run, cur.attempt, cur.state, cur.failure, cur.cost_usd, now(), reason);
      this.db
        .prepare('UPDATE runs SET attempt = attempt + 1 WHERE tier = ? AND subtest = ? AND run = ?')
        .run(k.tier, k.subtest, k.run);
    })();
  }

  /** Record a process the run's current attempt started; returns its id for `processEnded`. */
  processStarted(k: RunKey, p: { pid: number; startTicks: number | null; role: ProcessRow['role'] }): number {
    const r = this.relaxed(() =>
      this.db
        .prepare(
          `INSERT INTO processes (tier, subtest, run, attempt, pid, start_ticks, role, started_at)
           SELECT tier, subtest, run, attempt, ?, ?, ?, ? FROM runs WHERE tier = ? AND subtest = ? AND run = ?`,
        )
        .run(p.pid, p.startTicks, p.role, now(), k.tier, k.subtest, k.run),
    );
    return Number(r.lastInsertRowid);
  }

  /** The process (and all it started) is gone. */
  processEnded(id: number): void {
    this.relaxed(() =>
      this.db.prepare('UPDATE processes SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(now(), id),
    );
  }

  /** Every process of the run that was still recorded as live is now gone. */
  processesEnded(k: RunKey): void {
    this.db
      .prepare(
        'UPDATE processes SET ended_at = ? WHERE tier = ? AND subtest = ? AND run = ? AND ended_at IS NULL',
      )
      .run(now(), k.tier, k.subtest, k.run);
  }

  // --- judgments ----------------------------------------------------------------------------

  /**
   * Store every judgment of one judging of a run and move it on (`judged` when the consensus is
   * valid, else `judge_failed`), in one transaction: a run is never judged twice.
   */
  recordJudging(k: RunKey, judgments: NewJudgment[], outcome: JudgingOutcome): void {
    this.db.transaction(() => {
      const attempt = this.getRun(k)?.attempt ?? 1;
      this.insertJudgments(judgments, 1);
      this.putVerdict(k, 1, attempt, outcome);
      if (outcome.valid)
        this.transitionIn(k, 'pipeline_done', 'judged', {
          passed: outcome.passed ? 1 : 0,
          score: outcome.score,
          grade: outcome.grade,
          judge_duration_ms: outcome.judgeDurationMs,
        });
      else
        this.transitionIn(k, 'pipeline_done', 'judge_failed', {
          failure: 'judge_failed',
          judge_duration_ms: outcome.judgeDurationMs,
        });
    })();
  }

  /**
   * Store one re-judging of a finalized run in judge set `judgeSet`: its judgments and its verdict,
   * in one transaction (a run is judged once per set; an invalid verdict may be replaced).
   */
  recordVerdict(k: RunKey, judgeSet: number, judgments: NewJudgment[], outcome: JudgingOutcome): void {
    this.db.transaction(() => {
      const attempt = this.getRun(k)?.attempt ?? 1;
      const prior = this.verdictIn(k, judgeSet);
      if (prior?.valid && prior.attempt === attempt)
        throw new InternalError(`run ${runLabel(k)} is already judged in set ${judgeSet}`);
      this.insertJudgments(judgments, judgeSet);
      this.putVerdict(k, judgeSet, attempt, outcome);
    })();
  }

  private insertJudgments(rows: NewJudgment[], judgeSet: number): void {
    const ins = this.db.prepare(
      `INSERT INTO judgments (judge_set, tier, subtest, run, attempt, judge_number, model, valid, failure, score, passed, grade, json, created_at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    for (const r of rows)
      ins.run(
        judgeSet,
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
  }

  private putVerdict(k: RunKey, judgeSet: number, attempt: number, o: JudgingOutcome): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO verdicts (tier, subtest, run, judge_set, attempt, valid, passed, score, grade, judge_duration_ms, created_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        k.tier,
        k.subtest,
        k.run,
        judgeSet,
        attempt,
        o.valid ? 1 : 0,
        o.valid ? (o.passed ? 1 : 0) : null,
        o.valid ? o.score : null,
        o.valid ? o.grade : null,
        o.judgeDurationMs,
        now(),
      );
  }

  /** Open a new judge set (its id is the next number) for a rerun. */
  createJudgeSet(spec: unknown, rerunId: number | null): number {
    return this.db
      .transaction(() => {
        const id = (
          this.db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM judge_sets').get() as { id: number }
        ).id;
        this.db
          .prepare('INSERT INTO judge_sets (id, created_at, spec_json, rerun_id) VALUES (?, ?, ?, ?)')
          .run(id, now(), JSON.stringify(spec), rerunId);
        return id;
      })
      .immediate();
  }

  /** Every selected run of the set is judged: it becomes the current set. */
  completeJudgeSet(id: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE judge_sets SET completed_at = COALESCE(completed_at, ?) WHERE id = ?')
        .run(now(), id);
      this.db.prepare('UPDATE experiment SET current_judge_set = ? WHERE id = 1').run(id);
    })();
  }

  /**
   * `scylla repair`: put back a run found on disk (its row in `state` with its results, its
   * judgments and verdicts per judge set), with one transition saying so; all in one transaction.
   */
  restoreRun(
    row: Omit<RunRow, 'created_at' | 'updated_at'>,
    judgings: { judgeSet: number; judgments: NewJudgment[]; outcome: JudgingOutcome }[],
  ): void {
    const cols = Object.keys(row) as (keyof typeof row)[];
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (${cols.join(', ')}, created_at, updated_at) VALUES (${cols.map(() => '?').join(', ')}, ?, ?)`,
        )
        .run(...cols.map((c) => row[c]), now(), now());
      this.db
        .prepare(
          'INSERT INTO transitions (tier, subtest, run, from_state, to_state, at, detail) VALUES (?,?,?,?,?,?,?)',
        )
        .run(
          row.tier,
          row.subtest,
          row.run,
          null,
          row.state,
          now(),
          'restored by scylla repair from the run directory',
        );
      for (const j of judgings) {
        if (j.judgeSet > 1)
          this.db
            .prepare(
              `INSERT OR IGNORE INTO judge_sets (id, created_at, completed_at, spec_json) VALUES (?, ?, ?, '{}')`,
            )
            .run(j.judgeSet, now(), now());
        this.insertJudgments(j.judgments, j.judgeSet);
        this.putVerdict(row, j.judgeSet, row.attempt, j.outcome);
      }
    })();
  }

  // --- reruns -------------------------------------------------------------------------------

  /** Record a rerun and the runs it selected. */
  startRerun(r: {
    kind: RerunRow['kind'];
    request: unknown;
    /** The selected runs, with the attempt each was at when selected. */
    runs: (RunKey & { attempt: number })[];
    user: string | null;
    host: string | null;
  }): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO reruns (kind, request_json, started_at, user, host, pid, selected, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'running')`,
          )
          .run(r.kind, JSON.stringify(r.request), now(), r.user, r.host, process.pid, r.runs.length)
          .lastInsertRowid,
      );
      const ins = this.db.prepare(
        'INSERT INTO rerun_runs (rerun_id, tier, subtest, run, from_attempt) VALUES (?, ?, ?, ?, ?)',
      );
      for (const k of r.runs) ins.run(id, k.tier, k.subtest, k.run, k.attempt);
      return id;
    })();
  }

  /** Link a rerun to the judge set it makes. */
  setRerunJudgeSet(id: number, judgeSet: number): void {
    this.db.prepare('UPDATE reruns SET judge_set = ? WHERE id = ?').run(judgeSet, id);
  }

  /** How a rerun ended this time (a resumed one is `running` again). */
  setRerunStatus(id: number, status: RerunRow['status']): void {
    this.db
      .prepare(
        `UPDATE reruns SET status = ?, ended_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END, pid = ? WHERE id = ?`,
      )
      .run(status, status, now(), process.pid, id);
  }

  // --- pauses, winners, entries -------------------------------------------------------------

  addPause(p: Pick<PauseRow, 'source' | 'kind' | 'until' | 'reason'>): number {
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
    this.db.prepare('UPDATE pauses SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(now(), id);
  }

  /** Record a tier's winner; the first recording stands. */
  setTierWinner(tier: string, subtest: string, resolvedJson: string): void {
    this.db
      .prepare(
        `INSERT INTO tier_winners (tier, subtest, resolved_json, recorded_at) VALUES (?,?,?,?)
         ON CONFLICT (tier) DO NOTHING`,
      )
      .run(tier, subtest, resolvedJson, now());
  }

  /** Record the winner a finished tier group hands on (null: none); the first recording stands. */
  setGroupWinner(groupKey: string, winner: { tier: string; subtest: string } | null): void {
    this.db
      .prepare(
        `INSERT INTO group_winners (group_key, tier, subtest, recorded_at) VALUES (?,?,?,?)
         ON CONFLICT (group_key) DO NOTHING`,
      )
      .run(groupKey, winner?.tier ?? null, winner?.subtest ?? null, now());
  }

  setKv<K extends KvKey>(key: K, value: KvValue<K>): void {
    const checked: unknown = KV_ENTRIES[key].parse(value);
    this.db
      .prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(checked));
  }
}
