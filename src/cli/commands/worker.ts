// `scylla worker`: take runs from the queues of a Redis and run them with this machine's agent CLI
// and keys, until stopped (Ctrl-C: finish the runs in progress; twice: stop them, they are redone).
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseQueueUrl } from '../../distributed/queue-url.js';
import { runWorker } from '../../distributed/worker.js';
import { EXIT_CODES, UsageError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import { installStopHandlers } from '../signals.js';

export interface WorkerCliOptions {
  queue?: string;
  concurrency?: number;
  workDir?: string;
  scratchDir?: string;
  sharedDir?: string;
  agentBin?: string;
  stallSeconds?: number;
  idleExit?: number;
  verbose?: boolean;
  quiet?: boolean;
}

export async function run(opts: WorkerCliOptions): Promise<number> {
  const url = opts.queue ?? process.env.SCYLLA_QUEUE;
  if (!url) throw new UsageError('scylla worker needs --queue redis://HOST:PORT[/DB] (or SCYLLA_QUEUE)');
  const addr = parseQueueUrl(url);
  const level = opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';
  const logger = createLogger({ level, sink: (line) => process.stderr.write(`${line}\n`) });
  const stops = installStopHandlers(logger);
  try {
    await runWorker({
      addr,
      concurrency: opts.concurrency ?? 1,
      workDir: resolve(opts.workDir ?? join(tmpdir(), 'scylla-worker')),
      scratchDir: opts.scratchDir ? resolve(opts.scratchDir) : null,
      sharedDir: opts.sharedDir ? resolve(opts.sharedDir) : null,
      // A path is made absolute here: agents run in their workspaces, not in this directory.
      agentBin: opts.agentBin ? (opts.agentBin.includes('/') ? resolve(opts.agentBin) : opts.agentBin) : null,
      stallSeconds: opts.stallSeconds ?? 30,
      idleExitSeconds: opts.idleExit ?? null,
      logger,
      env: process.env,
      softStop: stops.soft,
      hardStop: stops.hard,
    });
    return stops.soft.aborted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
  } finally {
    stops.dispose();
  }
}
