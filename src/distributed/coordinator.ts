// The coordinator's side of the queue: `runExperiment` unchanged, with an `execute(ctx, spec)` that
// puts the run on the experiment's BullMQ queue as one job (its id stable: a restarted coordinator
// never enqueues twice) and follows it to its end, applying each stage's output to the store —
// the coordinator is the only writer. Stops and rate-limit pauses of the experiment are passed on
// to the workers: the queue is paused, and the control word says why.
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ExperimentContext, RunEnd, RunSpec } from '../engine/context.js';
import { executeRun, finalizedEnd, prepareAttempt } from '../engine/run-pipeline.js';
import { guardRun } from '../engine/run-guard.js';
import type { RateLimitGate } from '../ratelimit/gate.js';
import { runLabel } from '../store/run-key.js';
import { stageIndex } from '../store/run-state.js';
import type { RunRow } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { followJob } from './follow-job.js';
import { expKeyOf, jobData } from './job-data.js';
import type { Control } from './messages.js';
import { jobId } from './names.js';
import type { QueueAddress } from './queue-url.js';
import { checkQueue, controlKey, openClient, PREFIX, REGISTRY_KEY } from './redis.js';
import { transports, type Transport } from './transport.js';

export interface CoordinatorOptions {
  addr: QueueAddress;
  /** The queue's name (see queueName). */
  name: string;
  /** Carry files through this directory (machines share a disk) instead of inline. */
  sharedDir: string | null;
  logger: Logger;
  /** How often a follower looks at its job without an event (default 1 s). */
  tickMs?: number;
  /** After a hard stop, how long workers get to report their interrupted runs (default 15 s). */
  stopGraceMs?: number;
}

export interface Coordinator {
  /** runExperiment's `execute`: run one run through the queue. */
  execute: (ctx: ExperimentContext, spec: RunSpec) => Promise<RunEnd>;
  /** Pass an experiment's stops and rate-limit pauses on to the workers (from `onContext`). */
  attach: (ctx: ExperimentContext) => void;
  /** Close the connections; `finished`: nothing is left to do, the workers may forget the queue. */
  close: (finished: boolean) => Promise<void>;
}

/** Check the queue (a clear error before anything starts), then open it for an experiment or batch. */
export async function openCoordinator(o: CoordinatorOptions): Promise<Coordinator> {
  await checkQueue(o.addr);
  const connection = o.addr.redis;
  const queue = new Queue(o.name, { connection, prefix: PREFIX, streams: { events: { maxLen: 5000 } } });
  const events = new QueueEvents(o.name, { connection, prefix: PREFIX });
  const client = openClient(o.addr);
  queue.on('error', (e) => o.logger.debug(`queue: ${e.message}`));
  events.on('error', (e) => o.logger.debug(`queue events: ${e.message}`));
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // A new invocation: no stop word of an earlier one holds, nor a pause it left behind.
  await client.del(controlKey(o.name));
  await queue.resume();
  await client.sadd(REGISTRY_KEY, o.name);
  // A Redis restart without its data forgets the registry: say it again now and then.
  const announce = setInterval(() => void client.sadd(REGISTRY_KEY, o.name).catch(() => undefined), 5000);
  announce.unref();
  o.logger.info(`runs go through the queue ${o.name} at ${o.addr.shown}`);

  const wakers = new Map<string, () => void>();
  for (const ev of ['progress', 'completed', 'failed', 'removed', 'active', 'stalled'] as const)
    events.on(ev, (a: { jobId: string }) => wakers.get(a.jobId)?.());
  const transport = transports[o.sharedDir ? 'shared' : 'inline'](o.sharedDir);
  const control = new ControlWord(client, queue, o.name, o.logger);
  const gates = new WeakSet<RateLimitGate>();
  const expKeys = new Set<string>();
  let hinted = false;
  const noWorker = () => {
    if (hinted) return;
    hinted = true;
    o.logger.warn(
      `runs wait on the queue ${o.name} and no worker has taken one yet: start \`scylla worker --queue ${o.addr.shown}\``,
    );
  };

  const execute = (ctx: ExperimentContext, spec: RunSpec) => {
    expKeys.add(expKeyOf(ctx));
    return guardRun(ctx, spec, () =>
      runOnQueue(ctx, spec, {
        queue,
        transport,
        onWake: (id, wake) => {
          wakers.set(id, wake);
          return () => wakers.delete(id);
        },
        tickMs: o.tickMs ?? 1000,
        stopGraceMs: o.stopGraceMs ?? 15_000,
        name: o.name,
        noWorker,
      }),
    );
  };

  return {
    execute,
    attach: (ctx) => {
      ctx.softStop.addEventListener('abort', () => control.stop('soft'), { once: true });
      ctx.hardStop.addEventListener('abort', () => control.stop('hard'), { once: true });
      // A batch shares one gate: bridge it once.
      if (gates.has(ctx.gate)) return;
      gates.add(ctx.gate);
      ctx.gate.subscribe({ onPause: () => control.pause(), onResume: () => control.resume() });
    },
    close: async (finished) => {
      clearInterval(announce);
      if (finished) {
        await sweep(queue, expKeys, transport).catch(() => undefined);
        await client.srem(REGISTRY_KEY, o.name).catch(() => undefined);
      }
      await Promise.allSettled([events.close(), queue.close()]);
      client.disconnect();
    },
  };
}

/**
 * Every run is finalized: jobs of these experiments still in the queue are ones a killed earlier
 * coordinator applied but had not removed yet. Remove them (their logs hold the runs' files), and
 * every payload of these experiments still in a shared directory (one killed between removing a
 * job and dropping its files left them there).
 */
async function sweep(queue: Queue, expKeys: ReadonlySet<string>, transport: Transport): Promise<void> {
  const ours = (id: string) => [...expKeys].some((k) => id.startsWith(`${k}.`));
  for (const job of await queue.getJobs(['completed', 'failed']))
    if (job?.id && ours(job.id)) {
      await job.remove().catch(() => undefined);
      transport.drop(`${queue.name}/${job.id}`);
    }
  for (const place of transport.places(queue.name))
    if (ours(place.slice(queue.name.length + 1))) transport.drop(place);
}

interface QueueDeps {
  queue: Queue;
  transport: Transport;
  onWake: (jobId: string, wake: () => void) => () => void;
  tickMs: number;
  stopGraceMs: number;
  name: string;
  /** Told when a job waited long without a worker taking it. */
  noWorker: () => void;
}

/** One run through the queue, until it ends (a redone job is put on the queue again). */
async function runOnQueue(ctx: ExperimentContext, spec: RunSpec, d: QueueDeps): Promise<RunEnd> {
  for (;;) {
    let row = await prepareAttempt(ctx, spec);
    if (row.state === 'cleaned') return finalizedEnd(row);
    // What is left needs no agent and no worker: the coordinator holds its inputs.
    if (row.state === 'judged' || row.state === 'finalized') return executeRun(ctx, spec);
    // Stopped locally between its agent and its diff: only this worktree holds the agent's work.
    if (row.state === 'agent_done') {
      const end = await executeRun({ ...ctx, until: 'diff_captured' }, spec);
      if (end.kind !== 'held') return end;
      row = ctx.store.getRun(spec)!;
    }
    const at = stageIndex(row.state);
    if (ctx.until && at >= stageIndex(ctx.until) && at < stageIndex('judged')) return { kind: 'held' };
    if (ctx.hardStop.aborted) return { kind: 'interrupted' };
    if (ctx.softStop.aborted) return { kind: 'not_started' };
    // The cap is checked as a run goes on the queue; the runs on it count as running agents.
    const agentAhead = at <= stageIndex('prompt_written');
    if (agentAhead && !ctx.budget.canStart()) return { kind: 'budget_exhausted' };
    if (agentAhead) ctx.budget.started();
    const job = await ensureJob(ctx, spec, row, d);
    const place = `${d.name}/${job.id}`;
    const out = await followJob({
      ctx,
      spec,
      queue: d.queue,
      job,
      transport: d.transport,
      place,
      onWake: (wake) => d.onWake(job.id!, wake),
      tickMs: d.tickMs,
      stopGraceMs: d.stopGraceMs,
      noWorker: d.noWorker,
      agentAhead,
    });
    if (out.kind !== 'redo') return out;
    ctx.logger.warn(`${runLabel(spec)}: ${out.why}; putting it on the queue again`);
  }
}

/** The job of the run's current attempt: the one a restarted coordinator finds, else a new one. */
async function ensureJob(ctx: ExperimentContext, spec: RunSpec, row: RunRow, d: QueueDeps): Promise<Job> {
  const id = jobId(expKeyOf(ctx), spec, row.attempt);
  const existing = await d.queue.getJob(id);
  if (existing) return existing;
  const data = await jobData(ctx, spec, row, d.transport, `${d.name}/${id}/grant-1`);
  // One attempt per job: the coordinator decides what is redone (attempt + 1 is a new job).
  return d.queue.add('run', data, { jobId: id, attempts: 1 });
}

/** The control word and the queue's pause, kept together: workers read the word when paused. */
class ControlWord {
  private word: Control = { stop: null };
  constructor(
    private readonly client: Redis,
    private readonly queue: Queue,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  stop(how: 'soft' | 'hard'): void {
    if (this.word.stop === 'hard') return;
    this.word = { stop: how };
    void this.client
      .set(controlKey(this.name), JSON.stringify(this.word))
      .then(() => this.queue.pause())
      .catch((e: Error) => this.logger.warn(`could not tell the workers to stop: ${e.message}`));
  }

  pause(): void {
    void this.queue.pause().catch((e: Error) => this.logger.warn(`could not pause the queue: ${e.message}`));
  }

  resume(): void {
    if (this.word.stop) return;
    void this.queue
      .resume()
      .catch((e: Error) => this.logger.warn(`could not resume the queue: ${e.message}`));
  }
}
