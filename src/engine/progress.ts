// Progress numbers of an experiment, from the store (and, while it runs, the live context):
// totals, pass rate, cost so far and projected, ETA, active runs, rate-limit countdown. Pure
// rendering lives beside it so the progress view and `scylla status` print the same thing.
import { runLabel } from '../store/run-key.js';
import { runActivity, type RunState } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';

export interface ProgressSnapshot {
  experimentId: string;
  status: string;
  ownerPid: number | null;
  total: number;
  done: number;
  passed: number;
  running: number;
  queued: number;
  /** Runs whose last attempt was not a result (redone on resume): rate limited, infra, interrupted, judge failed. */
  failed: number;
  passRate: number | null;
  costUsd: number;
  projectedCostUsd: number | null;
  etaSeconds: number | null;
  /** Runs under way: the state they reached and what they are doing now (`running agent`). */
  active: { run: string; stage: RunState; activity: string; elapsedSeconds: number }[];
  pause: { source: string; kind: string; until: string; remainingSeconds: number } | null;
  /** The judge set reports follow, and how many there are. */
  judgeSet: { current: number; count: number };
  /** Every `scylla rerun` of the experiment, oldest first. */
  reruns: { id: number; kind: string; runs: number; status: string; startedAt: string; by: string | null }[];
}

export interface LiveInfo {
  active: Map<string, { stage: RunState; since: number }>;
  pause: { source: string; kind: string; until: number } | null;
  startedAt: number;
  parallel: number;
}

/** Compute the snapshot. `now` is injectable for tests. */
export function progressSnapshot(
  store: StoreReader,
  live: LiveInfo | null = null,
  now = Date.now(),
): ProgressSnapshot {
  const exp = store.experiment();
  // Counted in SQL: a 10,000-run experiment is not read row by row twice a second.
  const t = store.runTally(live ? new Date(live.startedAt).toISOString() : null);
  const inProgress = live ? [] : store.runsInProgress();
  const running = live ? live.active.size : inProgress.length;
  const queued = t.total - t.done - running - t.failed;
  const cost = store.totalCostUsd();
  const meanCost = t.done ? t.doneCostUsd / t.done : null;
  const elapsed = live ? (now - live.startedAt) / 1000 : null;
  const doneHere = live ? t.doneSince : 0;
  const remaining = t.total - t.done;
  const passed = t.passed;
  const failed = t.failed;
  const pauseRow = store
    .pauses()
    .filter((p) => !p.ended_at)
    .at(-1);
  const pause = live?.pause
    ? { ...live.pause, until: new Date(live.pause.until).toISOString() }
    : pauseRow && Date.parse(pauseRow.until) > now
      ? { source: pauseRow.source, kind: pauseRow.kind, until: pauseRow.until }
      : null;
  return {
    experimentId: exp?.experiment_id ?? '?',
    status: exp?.status ?? '?',
    ownerPid: exp?.owner_pid ?? null,
    total: t.total,
    done: t.done,
    passed,
    running,
    queued: Math.max(0, queued),
    failed,
    passRate: t.done ? passed / t.done : null,
    costUsd: cost,
    projectedCostUsd: meanCost === null ? null : cost + meanCost * remaining,
    etaSeconds: elapsed !== null && doneHere > 0 ? Math.round((elapsed / doneHere) * remaining) : null,
    active: live
      ? [...live.active.entries()].map(([run, a]) => ({
          run,
          stage: a.stage,
          activity: runActivity(a.stage),
          elapsedSeconds: Math.round((now - a.since) / 1000),
        }))
      : inProgress.map((r) => ({
          run: runLabel(r),
          stage: r.state,
          activity: runActivity(r.state),
          elapsedSeconds: Math.round((now - Date.parse(r.updated_at)) / 1000),
        })),
    pause: pause
      ? { ...pause, remainingSeconds: Math.max(0, Math.round((Date.parse(pause.until) - now) / 1000)) }
      : null,
    judgeSet: { current: store.currentJudgeSet(), count: store.judgeSets().length },
    reruns: store.reruns().map((r) => ({
      id: r.id,
      kind: r.kind,
      runs: r.selected,
      status: r.status,
      startedAt: r.started_at,
      by: r.user && r.host ? `${r.user}@${r.host}` : r.user,
    })),
  };
}

const dur = (s: number | null) =>
  s === null
    ? '—'
    : s >= 3600
      ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
      : s >= 60
        ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
        : `${s}s`;

/** The progress frame as lines of text. */
export function renderProgress(s: ProgressSnapshot, maxActive = 12): string[] {
  const lines = [
    `${s.experimentId} [${s.status}]  done ${s.done}/${s.total}  running ${s.running}  queued ${s.queued}  failed ${s.failed}` +
      `  pass ${s.passRate === null ? '—' : `${(s.passRate * 100).toFixed(0)}%`}` +
      `  cost $${s.costUsd.toFixed(4)}${s.projectedCostUsd === null ? '' : ` (→ $${s.projectedCostUsd.toFixed(4)})`}  ETA ${dur(s.etaSeconds)}`,
  ];
  if (s.pause)
    lines.push(
      `  ⏸ rate limited (${s.pause.source}, ${s.pause.kind}): resuming in ${dur(s.pause.remainingSeconds)}`,
    );
  if (s.judgeSet.count > 1)
    lines.push(
      `  judge set ${s.judgeSet.current} of ${s.judgeSet.count} (reports follow set ${s.judgeSet.current})`,
    );
  for (const r of s.reruns)
    lines.push(
      `  rerun #${r.id} ${r.kind}: ${r.runs} runs, ${r.status} (${r.startedAt}${r.by ? `, ${r.by}` : ''})`,
    );
  for (const a of s.active.slice(0, maxActive))
    lines.push(`  ${a.run.padEnd(16)} ${a.activity.padEnd(24)} ${dur(a.elapsedSeconds)}`);
  if (s.active.length > maxActive) lines.push(`  … and ${s.active.length - maxActive} more`);
  return lines;
}
