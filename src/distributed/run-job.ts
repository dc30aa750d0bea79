// One job on a worker: wait for the coordinator's grant if this is a redone attempt, restore the
// run from it (files, branch, judgments) into a scratch directory and store, run the same pipeline
// as a local run (`executeRunSafe`), send each stage's output as it becomes durable, and return how
// the run ended. The worker keeps nothing: its scratch directory, worktree and branch are removed.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, type Queue } from 'bullmq';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { RateLimited } from '../engine/context.js';
import type { SandboxSetup } from '../engine/sandbox-policy.js';
import { DB_FILE } from '../engine/experiment-dir.js';
import { executeRunSafe } from '../engine/run-guard.js';
import { QueueError } from '../errors.js';
import { runLabel } from '../store/run-key.js';
import { RETRY_STATES } from '../store/run-state.js';
import type { Logger } from '../util/logger.js';
import { VERSION } from '../version.js';
import { runDir, workspaceDir } from '../workspace/paths.js';
import { deleteLooseRef, removeRunRepo } from '../workspace/run-repo.js';
import type { CloneCache } from './clone-cache.js';
import { jobContext, type WorkerShared } from './job-context.js';
import { JobDataSchema, type Grant, type JobResult } from './messages.js';
import { applyPayload } from './payload.js';
import type { QueueGate } from './queue-gate.js';
import { RecordingStore } from './recording-store.js';
import { unpackResources } from './resources.js';
import { Shipper } from './shipper.js';
import { transports } from './transport.js';

/** One queue as a worker serves it. */
export interface ServedQueue {
  name: string;
  queue: Queue;
  gate: QueueGate;
  /**
   * The coordinator's stop words as signals, read afresh: a word is cleared when the coordinator
   * is started again, and the jobs it enqueues then run under new signals.
   */
  stops(): Promise<{ soft: AbortSignal; hard: AbortSignal }>;
  /** Pause the queue for every worker (a rate limit seen here). */
  pause(): void;
  /** What every run of this queue's experiment may see on this machine (chosen at its first job). */
  sandbox(config: ExperimentConfig, taskStore: string): Promise<SandboxSetup>;
}

export interface JobDeps {
  shared: WorkerShared;
  clones: CloneCache;
  /** This worker's scratch directories (`<work-dir>/jobs/<pid>`) and resource cache. */
  jobsDir: string;
  /** Where the scratch stores are (memory-backed when the machine has it: they need no fsync). */
  storesDir: string;
  /** Run `tidy` after the job, in the background (the worker waits for it before it exits). */
  afterwards: (tidy: () => void) => void;
  resourcesDir: string;
  sharedDir: string | null;
  logger: Logger;
  softStop: AbortSignal;
  hardStop: AbortSignal;
}

let calls = 0;

export async function runJob(
  job: Job,
  signal: AbortSignal | undefined,
  q: ServedQueue,
  d: JobDeps,
): Promise<JobResult> {
  const data = JobDataSchema.parse(job.data);
  const jobAttempt = job.attemptsStarted;
  const transport = transports[data.transport](d.sharedDir);
  const log = d.logger.child({ run: runLabel(data.run) });
  const lost = new AbortController();
  const word = await q.stops();
  const hardStop = AbortSignal.any([d.hardStop, word.hard, lost.signal, ...(signal ? [signal] : [])]);
  const softStop = AbortSignal.any([d.softStop, word.soft, hardStop]);
  // Unique per call: a job re-added after a Redis restart has the same id and attempt number.
  const scratch = `${job.id}-${jobAttempt}-${++calls}`;
  const expDir = join(d.jobsDir, scratch);
  const storeDir = join(d.storesDir, scratch);
  const clone = await d.clones.get(data.repo);
  const spec = {
    ...data.run,
    resolved: unpackResources(d.resourcesDir, data.resolved, data.resources),
    runDir: runDir(expDir, data.run.tier, data.run.subtest, data.run.run),
    branch: data.branch,
  };
  const shipper = new Shipper(
    job,
    jobAttempt,
    transport,
    `${q.name}/${job.id}`,
    { runDir: spec.runDir, repo: clone.path, branch: spec.branch, base: data.repo.commit },
    (e) => {
      log.warn(`job ${job.id}: lost (${(e as Error).message}); stopping its run`);
      lost.abort();
    },
  );
  // Cancelled by BullMQ (the lock was lost: another worker has the job now): send nothing more.
  signal?.addEventListener('abort', () => shipper.stop(), { once: true });
  let grant: Grant | null = data.grant;
  if (grant.jobAttempt !== jobAttempt) {
    await shipper.start();
    grant = await waitForGrant(q.queue, job.id!, jobAttempt, hardStop);
    if (!grant) return { jobAttempt, end: { kind: 'interrupted' } };
  }
  log.info(`job ${job.id} (attempt ${jobAttempt}): ${runLabel(data.run)} from ${grant.row.state}`);
  // The attempt already ended (its worker died after saying so): the coordinator takes it from here.
  if (grant.row.state === 'cleaned' || (RETRY_STATES as readonly string[]).includes(grant.row.state))
    return { jobAttempt, end: { kind: 'not_started' } };
  rmSync(expDir, { recursive: true, force: true });
  mkdirSync(spec.runDir, { recursive: true });
  mkdirSync(storeDir, { recursive: true });
  const store = new RecordingStore(join(storeDir, DB_FILE), (c, after) => shipper.change(c, after));
  try {
    seedStore(store, data.config.experimentId, grant);
    if (grant.restore)
      await applyPayload(transport, grant.restore, {
        runDir: spec.runDir,
        repo: clone.path,
        branch: spec.branch,
      });
    shipper.seed();
    const reportRateLimit = (end: RateLimited) => {
      if (!q.gate.paused) d.shared.slots.onRateLimit();
      q.gate.hold({
        source: end.source,
        kind: end.limit,
        reason: end.message,
        until: Date.now() + end.retryAfterMs,
      });
      q.pause();
      shipper.rateLimit(end);
    };
    const ctx = jobContext({
      data,
      shared: d.shared,
      store,
      expDir,
      clone,
      sandbox: await q.sandbox(data.config, clone.taskStore),
      gate: q.gate,
      reportRateLimit,
      logger: log,
      softStop,
      hardStop,
    });
    const end = await executeRunSafe(ctx, spec);
    if (end.kind === 'rate_limited') reportRateLimit(end);
    await shipper.flush();
    return { jobAttempt, end };
  } finally {
    store.close();
    // Tidying up is no part of the job: the next one starts meanwhile (it never shares these places).
    d.afterwards(() => {
      // The pipeline removed the repository of a run it finished; one it stopped is removed here.
      removeRunRepo(workspaceDir(spec.runDir));
      // The branch was published into the clone (a loose ref, and shipped): the clone keeps no run's commits.
      deleteLooseRef(clone.path, `refs/heads/${spec.branch}`);
      rmSync(expDir, { recursive: true, force: true });
      rmSync(storeDir, { recursive: true, force: true });
    });
  }
}

/** The scratch store: the experiment row, and the run as the grant has it (with its judgments). */
function seedStore(store: RecordingStore, experimentId: string, grant: Grant): void {
  store.initExperiment({ experimentId, configJson: '{}', configHash: 'worker', version: VERSION });
  const { created_at: _c, updated_at: _u, ...row } = grant.row;
  const judged = grant.judgments.length > 0;
  store.restoreRun(
    row,
    judged
      ? [
          {
            judgeSet: 1,
            judgments: grant.judgments,
            outcome: {
              valid: true,
              passed: row.passed === 1,
              score: row.score,
              grade: row.grade,
              judgeDurationMs: row.judge_duration_ms ?? 0,
            },
          },
        ]
      : [],
  );
}

/** A redone attempt waits until the coordinator granted it (it reads the job's data again); null: stopped. */
async function waitForGrant(
  queue: Queue,
  id: string,
  jobAttempt: number,
  stop: AbortSignal,
): Promise<Grant | null> {
  for (;;) {
    if (stop.aborted) return null;
    const job = await Job.fromId(queue, id);
    if (!job) throw new QueueError(`job ${id} is gone from the queue`);
    const grant = JobDataSchema.shape.grant.parse((job.data as { grant?: unknown }).grant);
    if (grant.jobAttempt === jobAttempt) return grant;
    await sleep(100);
  }
}
