// Pages of an experiment's runs for the viewer: one filtered, sorted, bounded query (with each run's
// judge agreement from the judgments table), the counts of runs by what they are doing, and the
// zod rows both return. The SQL is built here so `reader.ts` only names the queries.
import { z } from 'zod';
import { RunRowSchema } from './rows.js';
import { RETRY_STATES } from './run-state.js';

/** What a run is, for filtering: a result (passed / failed), under way, waiting, or to redo. */
export const RunStatusFilterSchema = z.enum(['finished', 'passed', 'failed', 'running', 'queued', 'redo']);
export type RunStatusFilter = z.infer<typeof RunStatusFilterSchema>;

/** Columns a page of runs can be sorted by. */
export const RunSortSchema = z.enum(['run', 'score', 'cost', 'duration', 'agreement', 'state', 'updated']);
export type RunSort = z.infer<typeof RunSortSchema>;

/** One query for a page of runs. */
export interface RunPageQuery {
  tier?: string;
  subtest?: string;
  status?: RunStatusFilter;
  minScore?: number;
  maxScore?: number;
  sort?: RunSort;
  desc?: boolean;
  /** At most this many rows (the caller bounds it). */
  limit: number;
  offset?: number;
}

/** A run row with its judges' agreement on the current attempt. */
export const RunListRowSchema = RunRowSchema.extend({
  /** Valid judgments with a score. */
  valid_judges: z
    .number()
    .int()
    .nullable()
    .transform((n) => n ?? 0),
  /** max − min of the valid judges' scores (null: fewer than two). */
  score_spread: z.number().nullable(),
});
export type RunListRow = z.infer<typeof RunListRowSchema>;

/** How many runs there are, by what they are doing. */
export const RunCountsSchema = z.object({
  total: z.number().int(),
  done: z.number().int(),
  passed: z.number().int(),
  queued: z.number().int(),
  redo: z.number().int(),
  running: z.number().int(),
  /** Newest finalisation time (null: none yet). */
  last_finalized_at: z.string().nullable(),
});
export type RunCounts = z.infer<typeof RunCountsSchema>;

const FINAL = "('finalized', 'cleaned')";
const RETRY = `(${RETRY_STATES.map((s) => `'${s}'`).join(', ')})`;

/** SQL condition of each status filter (on the runs table as `r`). */
const STATUS_SQL: Record<RunStatusFilter, string> = {
  finished: `r.state IN ${FINAL}`,
  passed: `r.state IN ${FINAL} AND r.passed = 1`,
  failed: `r.state IN ${FINAL} AND COALESCE(r.passed, 0) = 0`,
  running: `r.state NOT IN ${FINAL} AND r.state <> 'pending' AND r.state NOT IN ${RETRY}`,
  queued: `r.state = 'pending'`,
  redo: `r.state IN ${RETRY}`,
};

const SORT_SQL: Record<RunSort, string> = {
  run: 'r.tier, r.subtest, r.run',
  score: 'r.score',
  cost: 'r.cost_usd',
  duration: '(COALESCE(r.agent_duration_ms, 0) + COALESCE(r.judge_duration_ms, 0))',
  agreement: '(CASE WHEN j.n >= 2 THEN j.spread END)',
  state: 'r.state',
  updated: 'r.updated_at',
};

/** `SELECT` of the counts by status (one row). */
export const RUN_COUNTS_SQL = `SELECT COUNT(*) AS total,
  COALESCE(SUM(r.state IN ${FINAL}), 0) AS done,
  COALESCE(SUM(r.state IN ${FINAL} AND r.passed = 1), 0) AS passed,
  COALESCE(SUM(${STATUS_SQL.queued}), 0) AS queued,
  COALESCE(SUM(${STATUS_SQL.redo}), 0) AS redo,
  COALESCE(SUM(${STATUS_SQL.running}), 0) AS running,
  MAX(r.finalized_at) AS last_finalized_at
  FROM runs r`;

/** `SELECT` of the runs under way, oldest change first. */
export const ACTIVE_RUNS_SQL = `SELECT * FROM runs r WHERE ${STATUS_SQL.running} ORDER BY r.updated_at, r.tier, r.subtest, r.run`;

function where(q: RunPageQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value?: unknown) => {
    parts.push(sql);
    if (value !== undefined) params.push(value);
  };
  if (q.tier !== undefined) add('r.tier = ?', q.tier);
  if (q.subtest !== undefined) add('r.subtest = ?', q.subtest);
  if (q.status) add(STATUS_SQL[q.status]);
  if (q.minScore !== undefined) add('r.score >= ?', q.minScore);
  if (q.maxScore !== undefined) add('r.score <= ?', q.maxScore);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const JUDGE_AGREEMENT = `LEFT JOIN (
  SELECT tier, subtest, run, attempt, COUNT(*) AS n, MAX(score) - MIN(score) AS spread
  FROM judgments WHERE valid = 1 AND score IS NOT NULL GROUP BY tier, subtest, run, attempt
) j ON j.tier = r.tier AND j.subtest = r.subtest AND j.run = r.run AND j.attempt = r.attempt`;

/** Valid scored judgments of a run's current attempt (`p` is the run), as a correlated subquery. */
const JUDGES_OF = (what: string) =>
  `(SELECT ${what} FROM judgments j WHERE j.tier = p.tier AND j.subtest = p.subtest AND j.run = p.run
    AND j.attempt = p.attempt AND j.valid = 1 AND j.score IS NOT NULL)`;

/**
 * The page query and the count query of `q` (same filter), with their parameters. Sorted by judge
 * agreement, every run's agreement is needed (one aggregate over the judgments); otherwise the page
 * is cut first and only its runs' judgments are read.
 */
export function runPageSql(q: RunPageQuery): { page: string; count: string; params: unknown[] } {
  const w = where(q);
  const dir = q.desc ? 'DESC' : 'ASC';
  const sort = q.sort ?? 'run';
  const order = (col: string) =>
    sort === 'run'
      ? SORT_SQL.run.replace(/r\./g, `${col}.`).replace(/,|$/g, (m) => ` ${dir}${m}`)
      : `${SORT_SQL[sort].replace(/r\./g, `${col}.`)} ${dir} NULLS LAST, ${SORT_SQL.run.replace(/r\./g, `${col}.`)}`;
  const page =
    sort === 'agreement'
      ? `SELECT r.*, j.n AS valid_judges, CASE WHEN j.n >= 2 THEN j.spread END AS score_spread
         FROM runs r ${JUDGE_AGREEMENT} ${w.sql} ORDER BY ${order('r')} LIMIT ? OFFSET ?`
      : `WITH p AS (SELECT r.* FROM runs r ${w.sql} ORDER BY ${order('r')} LIMIT ? OFFSET ?)
         SELECT p.*, ${JUDGES_OF('COUNT(*)')} AS valid_judges,
           ${JUDGES_OF('CASE WHEN COUNT(*) >= 2 THEN MAX(j.score) - MIN(j.score) END')} AS score_spread
         FROM p AS p ORDER BY ${order('p')}`;
  return { page, count: `SELECT COUNT(*) AS n FROM runs r ${w.sql}`, params: w.params };
}

/** A run's key and state (what sorting by a value from outside the store needs). */
export const RunKeyRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number().int(),
  state: z.string(),
});
export type RunKeyRow = z.infer<typeof RunKeyRowSchema>;

/** `SELECT` of the keys of every run matching the filter of `q`, in run order. */
export function runKeysSql(q: Omit<RunPageQuery, 'limit'>): { sql: string; params: unknown[] } {
  const w = where({ ...q, limit: 0 });
  return {
    sql: `SELECT r.tier, r.subtest, r.run, r.state FROM runs r ${w.sql} ORDER BY ${SORT_SQL.run}`,
    params: w.params,
  };
}
