// Which runs a rerun touches: filters on tier, subtest, run number, status and stored fields
// (`--where score<0.5`). Pure: rows in, rows out; unknown names are usage errors that list the
// valid ones.
import { UsageError } from '../errors.js';
import type { RunRow, VerdictRow } from '../store/rows.js';
import { isFinal } from '../store/run-state.js';

/** What `--status` can name: how a run ended (or where it stands). */
export const RUN_STATUSES = [
  'passed',
  'failed',
  'timed_out',
  'agent_error',
  'infra_failed',
  'rate_limited',
  'interrupted',
  'judge_failed',
  'pending',
  'unfinished',
  'finalized',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Stored fields `--where` can compare. */
export const WHERE_FIELDS = [
  'score',
  'passed',
  'grade',
  'cost_usd',
  'attempt',
  'agent_duration_ms',
  'judge_duration_ms',
  'agent_outcome',
  'state',
  'run',
] as const;
type WhereField = (typeof WHERE_FIELDS)[number];
const OPS = ['<=', '>=', '!=', '<', '>', '='] as const;

/** One `--where` condition. */
export interface Condition {
  field: WhereField;
  op: (typeof OPS)[number];
  value: string;
}

/** The filters of a rerun; empty lists mean "any". */
export interface RunSelection {
  tiers: string[];
  /** `T0/00` or `00` (any tier). */
  subtests: string[];
  runs: number[];
  statuses: RunStatus[];
  where: Condition[];
}

/** Parse `score<0.5`, `cost_usd>=1`, `state=judge_failed`. */
export function parseWhere(expr: string): Condition {
  const op = OPS.find((o) => expr.includes(o));
  const [field, value] = op
    ? [expr.slice(0, expr.indexOf(op)).trim(), expr.slice(expr.indexOf(op) + op.length).trim()]
    : [expr, ''];
  if (!op || !value)
    throw new UsageError(`--where '${expr}': expected FIELD OP VALUE with OP one of ${OPS.join(' ')}`);
  if (!(WHERE_FIELDS as readonly string[]).includes(field))
    throw new UsageError(`--where '${expr}': unknown field '${field}' (known: ${WHERE_FIELDS.join(', ')})`);
  return { field: field as WhereField, op, value };
}

/** Check `--status` names. */
export function parseStatuses(names: string[]): RunStatus[] {
  for (const n of names)
    if (!(RUN_STATUSES as readonly string[]).includes(n))
      throw new UsageError(`--status: unknown status '${n}' (known: ${RUN_STATUSES.join(', ')})`);
  return names as RunStatus[];
}

/** Every status a run has now (a timed-out run that was judged failing is both). */
export function statusesOf(row: RunRow): Set<RunStatus> {
  const out = new Set<RunStatus>();
  if (isFinal(row.state)) {
    out.add('finalized');
    out.add(row.passed === 1 ? 'passed' : 'failed');
  } else out.add(row.state === 'pending' ? 'pending' : 'unfinished');
  if (row.state === 'infra_failed' || row.state === 'rate_limited' || row.state === 'interrupted')
    out.add(row.state);
  if (row.state === 'judge_failed') out.add('judge_failed');
  if (row.agent_outcome === 'timed_out' || row.agent_outcome === 'agent_error') out.add(row.agent_outcome);
  return out;
}

function holds(c: Condition, row: RunRow): boolean {
  const raw = row[c.field];
  if (raw === null || raw === undefined) return c.op === '!=' ? c.value !== 'null' : c.value === 'null';
  const n = Number(c.value);
  const text = String(raw);
  const cmp =
    typeof raw === 'number' && Number.isFinite(n) ? raw - n : text < c.value ? -1 : text > c.value ? 1 : 0;
  switch (c.op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
  }
}

/**
 * The runs that match every filter. `verdicts` (the current judge set's, by `tier/subtest/run`)
 * supply score, passed and grade, so `--where score<0.5` means the score the reports show.
 */
export function selectRuns(
  rows: readonly RunRow[],
  sel: RunSelection,
  verdicts: ReadonlyMap<string, VerdictRow> = new Map(),
): RunRow[] {
  const subtestOk = (r: RunRow) =>
    !sel.subtests.length || sel.subtests.some((s) => s === r.subtest || s === `${r.tier}/${r.subtest}`);
  const seen = (r: RunRow) => {
    const v = verdicts.get(`${r.tier}/${r.subtest}/${r.run}`);
    return v ? { ...r, score: v.score, passed: v.passed, grade: v.grade } : r;
  };
  return rows.filter((row) => {
    const r = seen(row);
    return (
      (!sel.tiers.length || sel.tiers.includes(r.tier)) &&
      subtestOk(r) &&
      (!sel.runs.length || sel.runs.includes(r.run)) &&
      (!sel.statuses.length || sel.statuses.some((s) => statusesOf(r).has(s))) &&
      sel.where.every((c) => holds(c, r))
    );
  });
}
