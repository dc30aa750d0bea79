// `scylla worker`: serve every queue a coordinator announces on this Redis — one BullMQ worker per
// queue, `concurrency` jobs at once each — with the machine's own agent CLI and keys. A job whose
// worker dies stalls; BullMQ hands it to another worker, which asks the coordinator where to go on.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { assertNoParentClaudeMd } from '../agent/isolation.js';
import { DB_FILE } from '../engine/experiment-dir.js';
import { defaultLimits, Slots } from '../engine/slots.js';
import { describeStopReason } from '../outcomes.js';
import { openStoreReader } from '../store/reader.js';
import type { Logger } from '../util/logger.js';
import { pidAlive } from '../util/pid-alive.js';
import { endLeftoverProcess, reapProcessesIn } from '../util/process-group.js';
import { whenAborted } from '../util/when-aborted.js';
import { CloneCache } from './clone-cache.js';
import type { WorkerShared } from './job-context.js';
import { ControlSchema } from './messages.js';
import { QueueGate } from './queue-gate.js';
import type { QueueAddress } from './queue-url.js';
import { checkQueue, controlKey, openClient, PREFIX, REGISTRY_KEY } from './redis.js';
import { runJob, type JobDeps, type ServedQueue } from './run-job.js';
import { workerSandbox } from './worker-sandbox.js';

/** How long a queue may be missing from the registry before an idle worker lets it go. */
const FORGET_MS = 30_000;

export interface WorkerOptions {
  addr: QueueAddress;
  /** Jobs at once, per queue. */
  concurrency: number;
  /** Clones, resource copies and (unless `scratchDir`) scratch directories. */
  workDir: string;
  /**
   * Where runs work (their directories and worktrees; default `<work-dir>/jobs`). Never the durable
   * copy: a memory-backed directory makes the worker faster when the task repositories are small.
   */
  scratchDir: string | null;
  sharedDir: string | null;
  agentBin: string | null;
  /** A job whose worker went silent this long is handed to another worker. */
  stallSeconds: number;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** First stop: take no new job, finish the ones in progress. */
  softStop: AbortSignal;
  /** Second stop: stop the runs now (they are redone elsewhere). */
  hardStop: AbortSignal;
  /** How often the registry of queues is read (default 1 s). */
  discoverMs?: number;
  /** Exit once no coordinator has announced a queue (and no job ran) for this long; null: never. */
  idleExitSeconds: number | null;
}

/** Serve until stopped (or until a hard stop of the worker itself, e.g. a full disk). */
export async function runWorker(o: WorkerOptions): Promise<void> {
  await checkQueue(o.addr);
  const workDir = resolve(o.workDir);
  mkdirSync(workDir, { recursive: true });
  // Runs work below the work directory: an instruction file above it would reach every agent.
  assertNoParentClaudeMd(workDir);
  const jobsRoot = o.scratchDir ? resolve(o.scratchDir) : join(workDir, 'jobs');
  const storesRoot = scratchStores(workDir);
  await reapPredecessors(jobsRoot, storesRoot, o.logger);
  const own = new AbortController();
  const hardStop = AbortSignal.any([o.hardStop, own.signal]);
  const softStop = AbortSignal.any([o.softStop, hardStop]);
  const shared: WorkerShared = {
    env: o.env,
    slots: new Slots(defaultLimits(o.concurrency), o.logger),
    agentBin: o.agentBin,
    active: new Map(),
    stopWorker: (why, hard) => {
      o.logger.error(`stopping this worker: ${describeStopReason(why)}`);
      if (hard) own.abort();
    },
  };
  let tidying: Promise<void> = Promise.resolve();
  const deps: JobDeps = {
    shared,
    clones: new CloneCache(join(workDir, 'clones')),
    jobsDir: join(jobsRoot, String(process.pid)),
    storesDir: join(storesRoot, String(process.pid)),
    afterwards: (tidy) => {
      tidying = tidying.then(tidy).catch(() => undefined);
    },
    resourcesDir: join(workDir, 'resources'),
    sharedDir: o.sharedDir,
    logger: o.logger,
    softStop,
    hardStop,
  };
  const client = openClient(o.addr);
  const served = new Map<string, Served>();
  const absent = new Map<string, number>();
  o.logger.info(
    `worker ${hostname()}:${process.pid} serving ${o.addr.shown} (${o.concurrency} at once per queue)`,
  );
  const stopped = whenAborted(softStop);
  let idleSince = Date.now();
  try {
    while (!softStop.aborted) {
      // Redis may be down for a while: a stop must not wait for it.
      const names = (await Promise.race([
        client.smembers(REGISTRY_KEY).catch(() => null),
        stopped.then(() => null),
      ])) ?? [...served.keys()];
      if (softStop.aborted) break;
      for (const name of names) if (!served.has(name)) served.set(name, await serve(name, o, client, deps));
      // A queue the registry no longer names is closed once idle, after a grace: a Redis that
      // restarted without its data forgets the registry until the coordinator names it again.
      for (const [name, s] of served) {
        if (names.includes(name)) absent.delete(name);
        else if (!absent.has(name)) absent.set(name, Date.now());
        if (s.running() === 0 && Date.now() - (absent.get(name) ?? Date.now()) > FORGET_MS) {
          served.delete(name);
          absent.delete(name);
          await s.close(false);
        }
      }
      // `--idle-exit`: nothing announced and nothing running for that long: this worker is done.
      const busy = names.length > 0 || [...served.values()].some((x) => x.running() > 0);
      if (busy) idleSince = Date.now();
      else if (o.idleExitSeconds !== null && Date.now() - idleSince > o.idleExitSeconds * 1000) {
        o.logger.info(`no experiment for ${o.idleExitSeconds} s: exiting`);
        break;
      }
      await Promise.race([sleep(o.discoverMs ?? 1000), stopped]);
    }
    o.logger.info('finishing the jobs in progress, taking no new ones');
    await Promise.race([Promise.all([...served.values()].map((s) => s.close(false))), whenAborted(hardStop)]);
    // Stopped now: the runs were told to stop; nothing waits for a Redis that may be gone.
    if (hardStop.aborted)
      await Promise.race([Promise.all([...served.values()].map((s) => s.close(true))), sleep(5000)]);
    await Promise.race([tidying, sleep(10_000)]);
  } finally {
    client.disconnect();
    rmSync(deps.jobsDir, { recursive: true, force: true });
    rmSync(deps.storesDir, { recursive: true, force: true });
    try {
      rmdirSync(storesRoot); // when no other worker of this work directory uses it
    } catch {
      // not empty
    }
  }
}

interface Served {
  running(): number;
  /** Take no new job; `force`: do not wait for the running ones (they were stopped). */
  close(force: boolean): Promise<void>;
}

/** Serve one queue: its BullMQ worker, its gate, and the coordinator's control word. */
async function serve(name: string, o: WorkerOptions, client: Redis, deps: JobDeps): Promise<Served> {
  const connection = o.addr.redis;
  const queue = new Queue(name, { connection, prefix: PREFIX });
  const hidden = [resolve(o.workDir), ...(o.scratchDir ? [resolve(o.scratchDir)] : []), deps.storesDir];
  const sandbox = workerSandbox({ env: o.env, hidden, logger: o.logger });
  const events = new QueueEvents(name, { connection, prefix: PREFIX });
  let soft = new AbortController();
  let hard = new AbortController();
  // The word as last read: a stop aborts the signals of the jobs running under it; a cleared word
  // (a new invocation of the coordinator) gives the jobs that start from now on new ones.
  const readControl = async () => {
    const text = await client.get(controlKey(name));
    const word = ControlSchema.safeParse(text ? (JSON.parse(text) as unknown) : { stop: null });
    const stop = word.success ? word.data.stop : null;
    if (stop) soft.abort();
    if (stop === 'hard') hard.abort();
    if (!stop && soft.signal.aborted) {
      soft = new AbortController();
      hard = new AbortController();
    }
    return stop;
  };
  // Closed while the queue is paused for a rate limit; a stop word opens it (the runs then stop).
  const gate = new QueueGate(async () => (await queue.isPaused()) && (await readControl()) === null);
  // A pause is a doorbell: for a rate limit (the gate closes) or for a stop word (runs stop).
  events.on('paused', () => {
    gate.hold();
    void readControl().catch(() => null);
  });
  const q: ServedQueue = {
    name,
    queue,
    gate,
    stops: async () => {
      await readControl().catch(() => null);
      return { soft: soft.signal, hard: hard.signal };
    },
    sandbox: (config, taskStore) => sandbox.get(config, taskStore),
    pause: () =>
      void queue.pause().catch((e: Error) => o.logger.warn(`could not pause ${name}: ${e.message}`)),
  };
  let running = 0;
  const worker = new Worker(
    name,
    async (job, _token, signal) => {
      running++;
      try {
        return await runJob(job, signal, q, deps);
      } finally {
        running--;
      }
    },
    {
      connection,
      prefix: PREFIX,
      concurrency: o.concurrency,
      name: `${hostname()}:${process.pid}`,
      lockDuration: o.stallSeconds * 1000,
      stalledInterval: Math.max(500, (o.stallSeconds * 1000) / 2),
      maxStalledCount: 3,
    },
  );
  // A job whose lock could not be renewed belongs to someone else now: stop working on it.
  worker.on('lockRenewalFailed', (ids) => ids.forEach((id) => worker.cancelJob(id, 'lock lost')));
  worker.on('error', (e) => o.logger.debug(`queue ${name}: ${e.message}`));
  events.on('error', (e) => o.logger.debug(`queue ${name} events: ${e.message}`));
  queue.on('error', (e) => o.logger.debug(`queue ${name}: ${e.message}`));
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  if (await queue.isPaused()) gate.hold();
  await readControl().catch(() => null);
  o.logger.info(`serving queue ${name}`);
  return {
    running: () => running,
    close: async (force) => {
      await worker.close(force);
      await Promise.race([Promise.allSettled([events.close(), queue.close()]), sleep(3000)]);
      if (force) await Promise.allSettled([worker.disconnect(), events.disconnect(), queue.disconnect()]);
      await sandbox.close();
    },
  };
}

/**
 * Where a worker's scratch stores go: a memory-backed directory when the machine has one (a scratch
 * store is never the durable copy: every transition reaches the coordinator's store), else the work
 * directory. Named after the work directory, so a restarted worker finds its predecessor's.
 */
export function scratchStores(workDir: string): string {
  const shm = '/dev/shm';
  try {
    accessSync(shm, constants.W_OK);
    const tag = createHash('sha256').update(workDir).digest('hex').slice(0, 12);
    return join(shm, `scylla-worker-${tag}`);
  } catch {
    return join(workDir, 'stores');
  }
}

/**
 * The scratch directories of earlier worker processes on this work directory that are gone (killed):
 * end the agents they left running (recorded in their scratch stores), then remove them.
 */
async function reapPredecessors(jobsRoot: string, storesRoot: string, logger: Logger): Promise<void> {
  const pids = new Set([jobsRoot, storesRoot].flatMap((r) => (existsSync(r) ? readdirSync(r) : [])));
  for (const pid of pids) {
    if (/^\d+$/.test(pid) && pidAlive(Number(pid))) continue;
    const dir = join(jobsRoot, pid);
    const stores = join(storesRoot, pid);
    let ended = 0;
    const jobs = new Set([stores, dir].flatMap((d) => (existsSync(d) ? readdirSync(d) : [])));
    for (const job of jobs) {
      const db = join(stores, job, DB_FILE);
      if (existsSync(db)) {
        const store = openStoreReader(db);
        try {
          for (const r of store.runs())
            for (const p of store.liveProcesses(r))
              if (await endLeftoverProcess(p.pid, p.start_ticks)) ended++;
        } finally {
          store.close();
        }
      }
      ended += await reapProcessesIn(join(dir, job));
    }
    if (ended) logger.warn(`ended ${ended} process(es) a killed worker left running`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(stores, { recursive: true, force: true });
  }
}
