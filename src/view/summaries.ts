// An experiment at a glance (the experiments list) and while it runs (the experiment page): run
// counts, pass rate, cost, status with the owner's liveness, runs in flight, pauses and budget.
// Only aggregate queries: cheap enough to answer on every change of a 10,000-run store.
import { basename } from 'node:path';
import { z } from 'zod';
import { describeStopReason } from '../outcomes.js';
import { loadExperimentConfig } from '../report/store-tiers.js';
import { runLabel } from '../store/run-key.js';
import { runActivity } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';
import type { RunRow } from '../store/rows.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { pidAlive } from '../util/pid-alive.js';

/** A heartbeat older than this means the process that owned a `running` experiment is gone. */
const STALE_HEARTBEAT_MS = 120_000;

export const ExperimentSummarySchema = z.object({
  /** The directory name: the experiment's id in every URL. */
  name: z.string(),
  experimentId: z.string(),
  testCase: z.string().nullable(),
  /** As stored, except `running` whose process is gone, which is `stale`. */
  status: z.string(),
  /** A live process is running it now. */
  running: z.boolean(),
  agent: z.string().nullable(),
  model: z.string().nullable(),
  judges: z.array(z.string()),
  runs: z.object({
    total: z.number(),
    done: z.number(),
    passed: z.number(),
    running: z.number(),
    queued: z.number(),
    redo: z.number(),
  }),
  passRate: z.number().nullable(),
  costUsd: z.number(),
  createdAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  stopReason: z.string().nullable(),
  /** Changes whenever the store does (for clients that poll). */
  version: z.string(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummarySchema>;

export const ProgressSchema = z.object({
  summary: ExperimentSummarySchema,
  active: z.array(
    z.object({
      run: z.string(),
      tier: z.string(),
      subtest: z.string(),
      number: z.number(),
      state: z.string(),
      activity: z.string(),
      /** Since the attempt started. */
      elapsedSeconds: z.number(),
      /** In the current stage. */
      stageSeconds: z.number(),
    }),
  ),
  pauses: z.array(
    z.object({
      source: z.string(),
      kind: z.string(),
      startedAt: z.string(),
      until: z.string(),
      endedAt: z.string().nullable(),
      reason: z.string().nullable(),
      active: z.boolean(),
    }),
  ),
  budget: z.object({ capUsd: z.number(), usedUsd: z.number(), share: z.number() }).nullable(),
});
export type Progress = z.infer<typeof ProgressSchema>;

const secondsSince = (iso: string, now: number) => Math.max(0, Math.round((now - Date.parse(iso)) / 1000));

function ownerAlive(pid: number | null, heartbeatAt: string | null, now: number): boolean {
  if (!pid) return false;
  if (heartbeatAt && now - Date.parse(heartbeatAt) > STALE_HEARTBEAT_MS) return false;
  return pidAlive(pid);
}

/** The experiment's configuration (read once per store version). */
export function configOf(h: ExperimentHandle) {
  return h.memo('config', (store) => loadExperimentConfig(h.dir, store));
}

/** The summary of one experiment (store reads once per version; liveness on every call). */
export function experimentSummary(h: ExperimentHandle, now = Date.now()): ExperimentSummary {
  const version = h.version();
  const { row, c, cost } = h.memo('summary', (store) => ({
    row: store.experiment(),
    c: store.runCounts(),
    cost: store.totalCostUsd(),
  }));
  const config = configOf(h);
  const running = row?.status === 'running' && ownerAlive(row.owner_pid, row.heartbeat_at, now);
  return {
    name: h.name,
    experimentId: row?.experiment_id ?? config?.experimentId ?? h.name,
    testCase: config ? basename(config.tiersDir) : null,
    status: row?.status === 'running' && !running ? 'stale' : (row?.status ?? 'unknown'),
    running,
    agent: config?.agent ?? null,
    model: config?.model ?? null,
    judges: config?.judgeModels ?? [],
    runs: {
      total: c.total,
      done: c.done,
      passed: c.passed,
      running: c.running,
      queued: c.queued,
      redo: c.redo,
    },
    passRate: c.done ? c.passed / c.done : null,
    costUsd: cost,
    createdAt: row?.created_at ?? null,
    startedAt: row?.started_at ?? null,
    completedAt: row?.completed_at ?? (running ? null : c.last_finalized_at),
    stopReason: row?.stop_reason ? describeStopReason(row.stop_reason) : null,
    version,
  };
}

/** When the run's current attempt left `pending` (its start), else its last change. */
function attemptStart(store: StoreReader, r: RunRow): string {
  const t = store.transitions(r);
  for (let i = t.length - 1; i >= 0; i--) if (t[i].from_state === 'pending') return t[i].at;
  return r.updated_at;
}

/** The summary with what is under way: runs in flight, pauses, budget. */
export function experimentProgress(h: ExperimentHandle, now = Date.now()): Progress {
  const summary = experimentSummary(h, now);
  const store = h.store();
  const cap = configOf(h)?.maxCostUsd ?? null;
  return {
    summary,
    active: store.activeRuns().map((r) => ({
      run: runLabel(r),
      tier: r.tier,
      subtest: r.subtest,
      number: r.run,
      state: r.state,
      activity: runActivity(r.state),
      elapsedSeconds: secondsSince(attemptStart(store, r), now),
      stageSeconds: secondsSince(r.updated_at, now),
    })),
    pauses: store
      .pauses()
      .slice(-20)
      .map((p) => ({
        source: p.source,
        kind: p.kind,
        startedAt: p.started_at,
        until: p.until,
        endedAt: p.ended_at,
        reason: p.reason,
        active: !p.ended_at && Date.parse(p.until) > now,
      })),
    budget: cap ? { capUsd: cap, usedUsd: summary.costUsd, share: summary.costUsd / cap } : null,
  };
}
