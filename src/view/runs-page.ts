// The runs table of an experiment, tier or subtest: one bounded page per request, filtered and
// sorted in SQL (status, score, cost, duration, judge agreement); turns come from the finalized
// runs' results (read once per store version) when they are the sort key or a filter.
import { join } from 'node:path';
import { z } from 'zod';
import { runDirName, runLabel } from '../store/run-key.js';
import {
  RunSortSchema,
  RunStatusFilterSchema,
  type RunListRow,
  type RunPageQuery,
} from '../store/run-page.js';
import { isFinal, runActivity } from '../store/run-state.js';
import { loadRunResult } from '../stats/run-result.js';
import type { RunOutcome } from '../stats/subtest-stats.js';
import type { StoreReader } from '../store/reader.js';
import type { RunKey } from '../store/run-key.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError } from './router.js';
import { outcomesOf } from './stats-view.js';

export const PAGE_MAX = 500;

const optNum = z.coerce.number().finite().optional();
/** Query parameters of /api/experiments/:exp/runs. */
export const RunsQuerySchema = z.object({
  tier: z.string().optional(),
  subtest: z.string().optional(),
  status: RunStatusFilterSchema.optional(),
  sort: z.union([RunSortSchema, z.literal('turns')]).default('run'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  minScore: optNum,
  maxScore: optNum,
  minTurns: optNum,
  maxTurns: optNum,
});
export type RunsQuery = z.infer<typeof RunsQuerySchema>;

export const RunsPageRowSchema = z.object({
  tier: z.string(),
  subtest: z.string(),
  run: z.number(),
  label: z.string(),
  /** Path of the run page below the experiment (`T0/00/run_01`). */
  path: z.string(),
  state: z.string(),
  activity: z.string(),
  passed: z.boolean().nullable(),
  score: z.number().nullable(),
  grade: z.string().nullable(),
  costUsd: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  turns: z.number().nullable(),
  validJudges: z.number(),
  /** max − min of the valid judges' scores: 0 = full agreement (null: fewer than two judges). */
  scoreSpread: z.number().nullable(),
  failure: z.string().nullable(),
  updatedAt: z.string(),
});
export const RunsPageSchema = z.object({
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  rows: z.array(RunsPageRowSchema),
});
export type RunsPage = z.infer<typeof RunsPageSchema>;

function toRow(r: RunListRow, turns: number | null): z.infer<typeof RunsPageRowSchema> {
  const ms =
    r.agent_duration_ms === null && r.judge_duration_ms === null
      ? null
      : (r.agent_duration_ms ?? 0) + (r.judge_duration_ms ?? 0);
  return {
    tier: r.tier,
    subtest: r.subtest,
    run: r.run,
    label: runLabel(r),
    path: `${r.tier}/${r.subtest}/${runDirName(r.run)}`,
    state: r.state,
    activity: runActivity(r.state),
    passed: r.passed === null ? null : r.passed === 1,
    score: r.score,
    grade: r.grade,
    costUsd: r.cost_usd,
    durationSeconds: ms === null ? null : ms / 1000,
    turns,
    validJudges: r.valid_judges,
    scoreSpread: r.score_spread,
    failure: r.failure,
    updatedAt: r.updated_at,
  };
}

/** One run as a list row (its judges' agreement read for it alone). */
function listRow(store: StoreReader, k: RunKey): RunListRow {
  const row = store.getRun(k)!;
  const scores = store
    .judgments(k)
    .filter((j) => j.attempt === row.attempt && j.valid === 1 && j.score !== null)
    .map((j) => j.score!);
  return {
    ...row,
    valid_judges: scores.length,
    score_spread: scores.length >= 2 ? Math.max(...scores) - Math.min(...scores) : null,
  };
}

/** Turns of a row on a plain page: from statistics when they are at hand, else its run_result.json. */
function shownTurns(h: ExperimentHandle, r: RunListRow): number | null {
  if (!isFinal(r.state)) return null;
  const known = h.peek<Map<string, RunOutcome>>('outcomes');
  if (known) return known.get(`${r.tier}/${r.subtest}/${r.run}`)?.numTurns ?? null;
  return loadRunResult(join(h.dir, r.tier, r.subtest, runDirName(r.run)))?.num_turns ?? null;
}

/** Parse the query string of a runs request (400 on a bad value). */
export function parseRunsQuery(params: URLSearchParams): RunsQuery {
  const raw = Object.fromEntries([...params].filter(([, v]) => v !== ''));
  const q = RunsQuerySchema.safeParse(raw);
  if (!q.success) throw new HttpError(400, z.prettifyError(q.error));
  return q.data;
}

/** One page of runs of `h` for `q`. */
export function runsPage(h: ExperimentHandle, q: RunsQuery): RunsPage {
  const store = h.store();
  const turnsOf = (r: { tier: string; subtest: string; run: number }) =>
    outcomesOf(h).get(`${r.tier}/${r.subtest}/${r.run}`)?.numTurns ?? null;
  const base: RunPageQuery = {
    tier: q.tier,
    subtest: q.subtest,
    status: q.status,
    minScore: q.minScore,
    maxScore: q.maxScore,
    desc: q.order === 'desc',
    limit: q.limit,
    offset: q.offset,
  };
  const byTurns = q.sort === 'turns' || q.minTurns !== undefined || q.maxTurns !== undefined;
  if (!byTurns) {
    const page = store.runsPage({ ...base, sort: q.sort === 'turns' ? 'run' : q.sort });
    return {
      total: page.total,
      offset: q.offset,
      limit: q.limit,
      rows: page.rows.map((r) => toRow(r, shownTurns(h, r))),
    };
  }
  let keys = store.runKeys(base).map((k) => ({ k, turns: turnsOf(k) }));
  if (q.minTurns !== undefined) keys = keys.filter((x) => x.turns !== null && x.turns >= q.minTurns!);
  if (q.maxTurns !== undefined) keys = keys.filter((x) => x.turns !== null && x.turns <= q.maxTurns!);
  if (q.sort === 'turns') {
    const sign = q.order === 'desc' ? -1 : 1;
    keys.sort((a, b) =>
      a.turns === null ? (b.turns === null ? 0 : 1) : b.turns === null ? -1 : sign * (a.turns - b.turns),
    );
  } else if (q.sort !== 'run') {
    // Another sort with a turns filter: the store sorts, the filter keeps its order.
    const order = new Map(
      store
        .runsPage({ ...base, sort: q.sort, limit: -1, offset: 0 })
        .rows.map((r, i) => [`${r.tier}/${r.subtest}/${r.run}`, i]),
    );
    keys.sort(
      (a, b) =>
        order.get(`${a.k.tier}/${a.k.subtest}/${a.k.run}`)! -
        order.get(`${b.k.tier}/${b.k.subtest}/${b.k.run}`)!,
    );
  }
  const rows = keys
    .slice(q.offset, q.offset + q.limit)
    .map(({ k, turns }) => toRow(listRow(store, k), turns));
  return { total: keys.length, offset: q.offset, limit: q.limit, rows };
}
