// Reading an experiment's store: named queries that return typed rows. `status`, `report`, `view`
// and `--dry-run` open it read-only (openStoreReader); the writer (Store) extends it.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { NotAnExperimentError } from '../errors.js';
import { fileStamp, openReadOnly, type Db } from './connection.js';
import { KV_ENTRIES, type KvKey, type KvValue } from './kv.js';
import {
  AttemptRowSchema,
  ExperimentRowSchema,
  GroupWinnerRowSchema,
  JudgeSetRowSchema,
  JudgmentRowSchema,
  PauseRowSchema,
  RerunRowSchema,
  VerdictRowSchema,
  ProcessRowSchema,
  RunRowSchema,
  SubtestRowSchema,
  TransitionRowSchema,
  type AttemptRow,
  type ExperimentRow,
  type JudgeSetRow,
  type JudgmentRow,
  type PauseRow,
  type RerunRow,
  type VerdictRow,
  type ProcessRow,
  type RunRow,
  type SubtestRow,
  type TransitionRow,
} from './rows.js';
import type { RunKey } from './run-key.js';
import {
  ACTIVE_RUNS_SQL,
  RUN_COUNTS_SQL,
  RunCountsSchema,
  RunKeyRowSchema,
  runKeysSql,
  RunListRowSchema,
  runPageSql,
  type RunKeyRow,
  type RunCounts,
  type RunListRow,
  type RunPageQuery,
} from './run-page.js';

/** Which runs a query returns. */
export interface RunFilter {
  tier?: string;
  subtest?: string;
}

export class StoreReader {
  /** The handle is private to the store: nothing outside `src/store/` runs SQL. */
  protected readonly db: Db;

  protected constructor(
    readonly file: string,
    db: Db,
  ) {
    this.db = db;
  }

  close(): void {
    this.db.close();
  }

  /**
   * A read-only view of a store nobody was writing is a snapshot: true once the file has changed
   * since (reopen to see it). A live view (and the writer) is never outdated.
   */
  outdated(): boolean {
    return false;
  }

  /** Read from an in-memory snapshot (nobody was writing): its change counter never moves. */
  isSnapshot(): boolean {
    return false;
  }

  /**
   * A number that changes whenever any connection commits a change to this store: a cheap signal
   * for live views (no re-reading until it moves).
   */
  changeCounter(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** SQLite's own integrity check passes. */
  integrityOk(): boolean {
    return this.db.pragma('integrity_check', { simple: true }) === 'ok';
  }

  // --- experiment ---------------------------------------------------------------------------

  experiment(): ExperimentRow | undefined {
    const row = this.db.prepare('SELECT * FROM experiment WHERE id = 1').get();
    return row ? ExperimentRowSchema.parse(row) : undefined;
  }

  // --- subtests -----------------------------------------------------------------------------

  subtestFingerprint(tier: string, subtest: string): SubtestRow | undefined {
    const row = this.db.prepare('SELECT * FROM subtests WHERE tier = ? AND subtest = ?').get(tier, subtest);
    return row ? SubtestRowSchema.parse(row) : undefined;
  }

  /** Every subtest recorded with its resolved configuration. */
  subtests(): SubtestRow[] {
    return this.db
      .prepare('SELECT * FROM subtests ORDER BY tier, subtest')
      .all()
      .map((r) => SubtestRowSchema.parse(r));
  }

  // --- runs ---------------------------------------------------------------------------------

  getRun(k: RunKey): RunRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM runs WHERE tier = ? AND subtest = ? AND run = ?')
      .get(k.tier, k.subtest, k.run);
    return row ? RunRowSchema.parse(row) : undefined;
  }

  runs(filter: RunFilter = {}): RunRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM runs WHERE (? IS NULL OR tier = ?) AND (? IS NULL OR subtest = ?) ORDER BY tier, subtest, run`,
      )
      .all(filter.tier ?? null, filter.tier ?? null, filter.subtest ?? null, filter.subtest ?? null);
    return rows.map((r) => RunRowSchema.parse(r));
  }

  /** The id of the newest stage transition (0 before the first): it moves whenever a run does. */
  lastTransitionId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM transitions').get() as { n: number }).n;
  }

  /**
   * Counts for a progress line, in one query (no row is read into memory): runs, finished, passed,
   * not-a-result (rate limited, infrastructure, interrupted, judges failed), what finished runs cost,
   * and how many finished at or after `since` (ISO time; 0 without).
   */
  runTally(since: string | null = null): {
    total: number;
    done: number;
    passed: number;
    failed: number;
    doneCostUsd: number;
    doneSince: number;
  } {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS total,
           COALESCE(SUM(state IN ('finalized', 'cleaned')), 0) AS done,
           COALESCE(SUM(state IN ('finalized', 'cleaned') AND passed = 1), 0) AS passed,
           COALESCE(SUM(state IN ('rate_limited', 'infra_failed', 'interrupted', 'judge_failed')), 0) AS failed,
           COALESCE(SUM(CASE WHEN state IN ('finalized', 'cleaned') THEN cost_usd END), 0) AS doneCostUsd,
           COALESCE(SUM(state IN ('finalized', 'cleaned') AND ? IS NOT NULL AND finalized_at >= ?), 0) AS doneSince
         FROM runs`,
      )
      .get(since, since) as Record<string, number>;
    return {
      total: row.total,
      done: row.done,
      passed: row.passed,
      failed: row.failed,
      doneCostUsd: row.doneCostUsd,
      doneSince: row.doneSince,
    };
  }

  /** Runs under way: neither finished, nor waiting to start, nor ended as not-a-result. */
  runsInProgress(): RunRow[] {
    return this.db
      .prepare(
        `SELECT * FROM runs WHERE state NOT IN ('pending', 'finalized', 'cleaned', 'rate_limited',
           'infra_failed', 'interrupted', 'judge_failed') ORDER BY tier, subtest, run`,
      )
      .all()
      .map((r) => RunRowSchema.parse(r));
  }

  /** How many runs the experiment has. */
  runCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
  }

  /** The run's place in the order of finalisation (1 = first finalized), or null if it is not. */
  finalizedOrdinal(k: RunKey): number | null {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' AND id <= (
           SELECT MAX(id) FROM transitions
           WHERE tier = ? AND subtest = ? AND run = ? AND to_state = 'finalized')`,
      )
      .get(k.tier, k.subtest, k.run) as { n: number };
    return r.n > 0 ? r.n : null;
  }

  transitions(k: RunKey): TransitionRow[] {
    return this.db
      .prepare(
        'SELECT from_state, to_state, at, detail FROM transitions WHERE tier = ? AND subtest = ? AND run = ? ORDER BY id',
      )
      .all(k.tier, k.subtest, k.run)
      .map((r) => TransitionRowSchema.parse(r));
  }

  /** Attempts of runs that were discarded (in order). */
  discardedAttempts(k?: RunKey): AttemptRow[] {
    const rows = k
      ? this.db
          .prepare('SELECT * FROM attempts WHERE tier = ? AND subtest = ? AND run = ? ORDER BY id')
          .all(k.tier, k.subtest, k.run)
      : this.db.prepare('SELECT * FROM attempts ORDER BY id').all();
    return rows.map((r) => AttemptRowSchema.parse(r));
  }

  /** USD spent so far: the current attempt of every run plus every discarded attempt. */
  totalCostUsd(): number {
    const r = this.db
      .prepare(
        `SELECT (SELECT COALESCE(SUM(cost_usd), 0) FROM runs) + (SELECT COALESCE(SUM(cost_usd), 0) FROM attempts) AS s`,
      )
      .get() as { s: number };
    return r.s;
  }

  /** Mean cost of the agent runs that finished so far (0 before the first). */
  meanAgentCostUsd(): number {
    const r = this.db
      .prepare('SELECT AVG(cost_usd) AS m FROM runs WHERE cost_usd IS NOT NULL AND agent_outcome IS NOT NULL')
      .get() as { m: number | null };
    return r.m ?? 0;
  }

  /** Processes of the run that were started and not seen to end (a killed Scylla's leftovers). */
  liveProcesses(k: RunKey): ProcessRow[] {
    return this.db
      .prepare(
        'SELECT * FROM processes WHERE tier = ? AND subtest = ? AND run = ? AND ended_at IS NULL ORDER BY id',
      )
      .all(k.tier, k.subtest, k.run)
      .map((r) => ProcessRowSchema.parse(r));
  }

  // --- judgments ----------------------------------------------------------------------------

  /** Judgments of one run (or all), of one judge set or of every set. */
  judgments(k?: RunKey, judgeSet?: number): JudgmentRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM judgments WHERE (? IS NULL OR (tier = ? AND subtest = ? AND run = ?))
         AND (? IS NULL OR judge_set = ?) ORDER BY id`,
      )
      .all(
        k ? 1 : null,
        k?.tier ?? null,
        k?.subtest ?? null,
        k?.run ?? null,
        judgeSet ?? null,
        judgeSet ?? null,
      );
    return rows.map((r) => JudgmentRowSchema.parse(r));
  }

  /** Every judge set, in order (set 1 is the judging of the runs themselves). */
  judgeSets(): JudgeSetRow[] {
    return this.db
      .prepare('SELECT * FROM judge_sets ORDER BY id')
      .all()
      .map((r) => JudgeSetRowSchema.parse(r));
  }

  /** The set stats and reports follow unless told otherwise. */
  currentJudgeSet(): number {
    return this.experiment()?.current_judge_set ?? 1;
  }

  /**
   * The verdict of every judged run as judge set `judgeSet` sees it: the run's valid verdict in that
   * set, else its latest valid verdict of an earlier set (a re-judging may cover only some runs), for
   * the run's current attempt.
   */
  verdicts(judgeSet: number): Map<string, VerdictRow> {
    const rows = this.db
      .prepare(
        // Only verdicts of each run's current attempt: a re-run agent makes the old verdicts history.
        `SELECT v.* FROM verdicts v JOIN runs r ON r.tier = v.tier AND r.subtest = v.subtest AND r.run = v.run
         WHERE v.valid = 1 AND v.judge_set <= ? AND v.attempt = r.attempt ORDER BY v.tier, v.subtest, v.run, v.judge_set`,
      )
      .all(judgeSet)
      .map((r) => VerdictRowSchema.parse(r));
    const out = new Map<string, VerdictRow>();
    for (const v of rows) out.set(`${v.tier}/${v.subtest}/${v.run}`, v);
    return out;
  }

  /** The run's verdict in exactly this set (valid or not), if it was judged there. */
  verdictIn(k: RunKey, judgeSet: number): VerdictRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM verdicts WHERE tier = ? AND subtest = ? AND run = ? AND judge_set = ?')
      .get(k.tier, k.subtest, k.run, judgeSet);
    return row ? VerdictRowSchema.parse(row) : undefined;
  }

  // --- reruns -------------------------------------------------------------------------------

  reruns(): RerunRow[] {
    return this.db
      .prepare('SELECT * FROM reruns ORDER BY id')
      .all()
      .map((r) => RerunRowSchema.parse(r));
  }

  /** The runs a rerun selected, with the attempt each was at then. */
  rerunRuns(id: number): (RunKey & { attempt: number })[] {
    return this.db
      .prepare(
        'SELECT tier, subtest, run, from_attempt AS attempt FROM rerun_runs WHERE rerun_id = ? ORDER BY tier, subtest, run',
      )
      .all(id) as (RunKey & { attempt: number })[];
  }

  // --- pauses, winners, entries -------------------------------------------------------------

  pauses(): PauseRow[] {
    return this.db
      .prepare('SELECT * FROM pauses ORDER BY id')
      .all()
      .map((r) => PauseRowSchema.parse(r));
  }

  tierWinner(tier: string): { subtest: string; resolved_json: string } | undefined {
    return this.db.prepare('SELECT subtest, resolved_json FROM tier_winners WHERE tier = ?').get(tier) as
      { subtest: string; resolved_json: string } | undefined;
  }

  /** Every recorded tier winner, by tier. */
  tierWinners(): { tier: string; subtest: string; resolved_json: string }[] {
    return this.db.prepare('SELECT tier, subtest, resolved_json FROM tier_winners ORDER BY tier').all() as {
      tier: string;
      subtest: string;
      resolved_json: string;
    }[];
  }

  /**
   * The winner a finished tier group handed on: undefined while it is not recorded, null when the
   * group had none.
   */
  groupWinner(groupKey: string): { tier: string; subtest: string } | null | undefined {
    const row = this.db.prepare('SELECT tier, subtest FROM group_winners WHERE group_key = ?').get(groupKey);
    if (!row) return undefined;
    const w = GroupWinnerRowSchema.parse(row);
    return w.tier && w.subtest ? { tier: w.tier, subtest: w.subtest } : null;
  }

  getKv<K extends KvKey>(key: K): KvValue<K> | undefined {
    const row = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? (KV_ENTRIES[key].parse(JSON.parse(row.value)) as KvValue<K>) : undefined;
  }

  // --- pages of runs (the viewer) -------------------------------------------------------------

  /** One page of runs matching `q`, sorted, with the number of all runs that match. */
  runsPage(q: RunPageQuery): { rows: RunListRow[]; total: number } {
    const sql = runPageSql(q);
    const rows = this.db
      .prepare(sql.page)
      .all(...sql.params, q.limit, q.offset ?? 0)
      .map((r) => RunListRowSchema.parse(r));
    const total = (this.db.prepare(sql.count).get(...sql.params) as { n: number }).n;
    return { rows, total };
  }

  /** Keys (and states) of every run matching the filter of `q`, in run order. */
  runKeys(q: Omit<RunPageQuery, 'limit'>): RunKeyRow[] {
    const sql = runKeysSql(q);
    return this.db
      .prepare(sql.sql)
      .all(...sql.params)
      .map((r) => RunKeyRowSchema.parse(r));
  }

  /** How many runs are done, passed, under way, waiting and to redo (one aggregate query). */
  runCounts(): RunCounts {
    return RunCountsSchema.parse(this.db.prepare(RUN_COUNTS_SQL).get());
  }

  /** The runs under way (neither waiting, nor finished, nor to redo), oldest change first. */
  activeRuns(): RunRow[] {
    return this.db
      .prepare(ACTIVE_RUNS_SQL)
      .all()
      .map((r) => RunRowSchema.parse(r));
  }
}

/** A read-only view of the store of the experiment directory `dir`. */
class ReadOnlyStore extends StoreReader {
  private constructor(
    file: string,
    db: Db,
    private readonly snapshotOf: string | null,
  ) {
    super(file, db);
  }

  static open(file: string): ReadOnlyStore {
    const stamp = fileStamp(file);
    const { db, snapshot } = openReadOnly(file);
    return new ReadOnlyStore(file, db, snapshot ? stamp : null);
  }

  override outdated(): boolean {
    return this.snapshotOf !== null && fileStamp(this.file) !== this.snapshotOf;
  }

  override isSnapshot(): boolean {
    return this.snapshotOf !== null;
  }

  private allRuns: RunRow[] | null = null;

  /** A snapshot never changes: its runs are read (and checked) once, however often reports ask. */
  override runs(filter: RunFilter = {}): RunRow[] {
    if (this.snapshotOf === null || filter.tier || filter.subtest) return super.runs(filter);
    return [...(this.allRuns ??= super.runs())];
  }
}

/**
 * Open `file` (an experiment's scylla.db) for reading only: nothing is created, migrated on disk or
 * written. A missing file is a NotAnExperimentError naming its directory.
 */
export function openStoreReader(file: string): StoreReader {
  if (!existsSync(file)) throw new NotAnExperimentError(dirname(file));
  return ReadOnlyStore.open(file);
}
