// Following one job from the coordinator: read the entries its workers append to its log and apply
// them (stage outputs, grants for redone attempts, rate limits), until the job is finished; then say
// how the run ended, from what the coordinator's store holds. A job that vanished, or ended on a
// worker's own stop, is to be put on the queue again ("redo"); the caller does that.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, Queue } from 'bullmq';
import type { ExperimentContext, RunEnd, RunSpec } from '../engine/context.js';
import { currentRow, finalizedEnd } from '../engine/run-pipeline.js';
import { QueueError } from '../errors.js';
import { runLabel } from '../store/run-key.js';
import { isFinal, stageIndex, type RunState } from '../store/run-state.js';
import type { RunRow } from '../store/store.js';
import { restoreRunRepo } from '../workspace/run-repo.js';
import { parseJsonOrNull } from '../util/json.js';
import { workspaceDir } from '../workspace/paths.js';
import { applyStage } from './apply-stage.js';
import { buildGrant } from './grant.js';
import { JobResultSchema, LogEntrySchema, type Grant, type JobData, type LogEntry } from './messages.js';
import type { Transport } from './transport.js';

export type FollowOutcome = RunEnd | { kind: 'redo'; why: string };

export interface FollowOptions {
  ctx: ExperimentContext;
  spec: RunSpec;
  queue: Queue;
  job: Job;
  transport: Transport;
  /** `<queue>/<job id>`: where the transport keeps this job's payloads. */
  place: string;
  /** Register the function that wakes this follower (on the job's events); returns the unregister. */
  onWake: (wake: () => void) => () => void;
  /** Look at the job at least this often, events or not (a Redis restart loses events). */
  tickMs: number;
  /** After a hard stop, how long the workers get to report their interrupted runs. */
  stopGraceMs: number;
  /** Told once the job waited `NO_WORKER_MS` without a worker taking it. */
  noWorker: () => void;
  /** The run's agent is still to run: the budget counts it as running until it is done. */
  agentAhead: boolean;
}

/** How long a job may wait before the coordinator says that no worker seems to run. */
const NO_WORKER_MS = 30_000;

const WAITING = new Set(['waiting', 'delayed', 'paused', 'prioritized', 'waiting-children']);

export async function followJob(o: FollowOptions): Promise<FollowOutcome> {
  const { ctx, spec, queue, job } = o;
  const label = runLabel(spec);
  let grant: Grant = (job.data as JobData).grant;
  let cursor = 0;
  let wake: () => void = () => undefined;
  let woken = false;
  const unregister = o.onWake(() => {
    woken = true;
    wake();
  });
  const since = Date.now();
  let hardUntil = 0;
  let taken = false;

  const drain = async () => {
    const { logs } = await queue.getJobLogs(job.id!, cursor, -1);
    for (const text of logs) {
      cursor++;
      const parsed = LogEntrySchema.safeParse(parseJsonOrNull(text));
      if (!parsed.success) {
        ctx.logger.warn(`${label}: ignoring a malformed queue entry`);
        continue;
      }
      grant = await processEntry(parsed.data, grant);
    }
  };

  const processEntry = async (e: LogEntry, g: Grant): Promise<Grant> => {
    // Entries of an earlier attempt than the granted one come from a worker that lost the job.
    if (e.jobAttempt < g.jobAttempt) return g;
    if (e.kind === 'start') {
      if (e.jobAttempt === g.jobAttempt) return g;
      const row = currentRow(ctx, spec);
      const next = await buildGrant(
        ctx,
        spec,
        row,
        e.jobAttempt,
        o.transport,
        `${o.place}/grant-${e.jobAttempt}`,
      );
      await job.updateData({ ...(job.data as JobData), grant: next });
      ctx.logger.info(`${label}: taken over by another worker; it goes on from ${row.state}`);
      return next;
    }
    if (e.jobAttempt !== g.jobAttempt) return g;
    if (e.kind === 'rate_limit') {
      // Reported live; one read again after a restart of the coordinator is long over.
      if (e.at + e.limit.retryAfterMs > Date.now()) ctx.reportRateLimit(e.limit);
      return g;
    }
    if (await applyStage(ctx, spec, e.changes, e.payload, o.transport))
      markActive(currentRow(ctx, spec).state);
    return g;
  };

  // The budget counts the run's agent as running from the enqueueing (`agentAhead`) until it is done.
  let agentRunning = o.agentAhead;
  const markActive = (stage: RunState) => {
    if (!isFinal(stage)) ctx.active.set(label, { stage, since });
    if (agentRunning && stageIndex(stage) > stageIndex('prompt_written')) {
      agentRunning = false;
      ctx.budget.finished();
    }
  };

  try {
    for (;;) {
      woken = false;
      await drain();
      const state = await queue.getJobState(job.id!);
      if (state === 'active') {
        taken = true;
        markActive(currentRow(ctx, spec).state);
      } else if (!taken && WAITING.has(state) && Date.now() - since > NO_WORKER_MS) o.noWorker();
      if (state === 'completed' || state === 'failed') {
        await drain();
        return await finish(o, state, grant);
      }
      if (state === 'unknown')
        return {
          kind: 'redo',
          why: 'its job is gone from the queue (was Redis restarted without its data?)',
        };
      if (ctx.hardStop.aborted) {
        hardUntil ||= Date.now() + o.stopGraceMs;
        if (WAITING.has(state) && (await removed(job))) return { kind: 'interrupted' };
        if (Date.now() > hardUntil) return { kind: 'interrupted' };
      } else if (ctx.softStop.aborted && WAITING.has(state) && (await removed(job)))
        return { kind: 'not_started' };
      if (!woken)
        await new Promise<void>((resolve) => {
          wake = resolve;
          void sleep(o.tickMs).then(resolve);
        });
    }
  } finally {
    unregister();
    ctx.active.delete(label);
    if (agentRunning) ctx.budget.finished();
  }
}

/** How the run ended, once its job is finished; the job is then removed. */
async function finish(o: FollowOptions, state: 'completed' | 'failed', grant: Grant): Promise<FollowOutcome> {
  const { ctx, spec } = o;
  const fresh = await o.queue.getJob(o.job.id!);
  const row = currentRow(ctx, spec);
  const stopping = ctx.softStop.aborted || ctx.hardStop.aborted;
  let out: FollowOutcome;
  if (isFinal(row.state)) {
    out = finalizedEnd(row);
    await keepWorkspace(ctx, spec, row);
  } else if (state === 'failed') {
    if (stopping) out = { kind: 'interrupted' };
    else
      throw new QueueError(
        `a worker failed on ${runLabel(spec)}: ${fresh?.failedReason ?? 'no reason given'}`,
      );
  } else {
    const result = JobResultSchema.safeParse(fresh?.returnvalue);
    const end = result.success && result.data.jobAttempt === grant.jobAttempt ? result.data.end : null;
    out = endOf(ctx, row, end, stopping);
  }
  if (fresh) {
    try {
      await fresh.remove();
    } catch (e) {
      throw new QueueError(`could not remove the finished job ${fresh.id}: ${(e as Error).message}`);
    }
  }
  o.transport.drop(o.place);
  return out;
}

/** A run that is not finalized: what its state and the worker's account of the end say. */
function endOf(ctx: ExperimentContext, row: RunRow, end: RunEnd | null, stopping: boolean): FollowOutcome {
  const redo = (why: string): FollowOutcome => (stopping ? { kind: 'interrupted' } : { kind: 'redo', why });
  switch (row.state) {
    case 'rate_limited':
      return end?.kind === 'rate_limited'
        ? end
        : {
            kind: 'rate_limited',
            source: 'agent',
            limit: 'rate_limit',
            retryAfterMs: ctx.config.rateLimitWaitSeconds * 1000,
            message: row.failure_detail ?? 'rate limited',
          };
    case 'infra_failed':
      return { kind: 'infra_failed', message: row.failure_detail ?? 'infrastructure failure on a worker' };
    case 'judge_failed':
      return { kind: 'judge_failed', message: 'every judge returned an invalid judgment' };
    case 'interrupted':
      return redo('its worker was stopped');
  }
  if (end?.kind === 'held' || end?.kind === 'budget_exhausted') return end;
  if (end?.kind === 'not_started' || end?.kind === 'interrupted')
    return stopping ? end : { kind: 'redo', why: 'its worker stopped before the run was done' };
  return redo(`its worker ended it at ${row.state}, which is not an end`);
}

/** `--keep-workspaces`: the finalized run's repository is checked out in the results, as locally. */
async function keepWorkspace(ctx: ExperimentContext, spec: RunSpec, row: RunRow): Promise<void> {
  const keep = ctx.config.keepWorkspaces || (ctx.config.keepFailedWorkspaces && row.passed !== 1);
  if (keep && row.state === 'finalized')
    await restoreRunRepo({
      path: workspaceDir(spec.runDir),
      branch: spec.branch,
      commit: row.base_commit ?? ctx.baseCommit,
      store: ctx.taskStore,
      archive: ctx.baseRepo,
    });
}

async function removed(job: Job): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch {
    return false; // a worker took it meanwhile: follow it to its end
  }
}
