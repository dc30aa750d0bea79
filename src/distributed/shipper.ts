// A worker sends one run's durable output to the coordinator: after the store writes of the
// pipeline, the files that changed (and the branch, when a commit was made) as one entry of the
// job's log, in order, then a progress doorbell. An entry goes once a stage worth keeping is done
// (the agent with its diff, the build pipeline, the judges) and before the agent starts; the quick
// steps between are carried with the next one. Never alone: `agent_done`, whose work is then only
// in the worktree — it goes together with the diff that commits it.
import type { Job } from 'bullmq';
import { QueueError } from '../errors.js';
import type { RateLimited } from '../engine/context.js';
import type { RunState } from '../store/run-state.js';
import type { Change, LogEntry } from './messages.js';
import { packPayload } from './payload.js';
import { changedFiles } from './run-files.js';
import type { Transport } from './transport.js';

/** States a redone attempt could not go on from with the files and the branch alone. */
const NOT_RESTORABLE: readonly RunState[] = ['agent_done'];
/** States whose entry waits for the next one: cheap to redo (or not restorable at all). */
const CARRIED: readonly RunState[] = ['workspace_ready', 'config_committed', 'finalized', ...NOT_RESTORABLE];

/** The commit the changes moved the branch to, if any (the config commit, the agent's commit). */
function commitOf(changes: readonly Change[]): string | null {
  let commit: string | null = null;
  for (const c of changes)
    if (c.kind === 'transition') commit = c.patch.agent_commit ?? c.patch.config_commit ?? commit;
  return commit;
}

export class Shipper {
  private chain: Promise<void> = Promise.resolve();
  private pending: Change[] = [];
  private pendingAfter: RunState | null = null;
  private readonly seen = new Map<string, string>();
  private sent = 0;
  private failure: unknown = null;

  constructor(
    private readonly job: Job,
    private readonly jobAttempt: number,
    private readonly transport: Transport,
    /** `<queue>/<job id>`: where the transport keeps this job's payloads. */
    private readonly place: string,
    private readonly run: { runDir: string; repo: string; branch: string; base: string },
    /** Told when an entry could not be sent (the job is lost: stop working on it). */
    private readonly onLost: (e: unknown) => void,
  ) {}

  /** The files already there (restored from a grant) are the coordinator's: never sent back. */
  seed(): void {
    changedFiles(this.run.runDir, this.seen);
  }

  /** A store write of the pipeline (called inside it: the files it made durable are read now). */
  change(c: Change, after: RunState): void {
    this.pending.push(c);
    this.pendingAfter = after;
    if (!CARRIED.includes(after)) this.ship(after);
  }

  private ship(after: RunState): void {
    const { files, deleted } = changedFiles(this.run.runDir, this.seen);
    const changes = this.pending;
    this.pending = [];
    const commit = commitOf(changes);
    const n = ++this.sent;
    this.enqueue(async () => {
      const payload = await packPayload(
        this.transport,
        `${this.place}/${this.jobAttempt}-${n}`,
        files,
        deleted,
        commit ? { ...this.run, commit } : null,
      );
      await this.append({ kind: 'stage', jobAttempt: this.jobAttempt, changes, payload }, after);
    });
  }

  /** A rate limit this worker saw (after what came before it). */
  rateLimit(limit: RateLimited): void {
    this.enqueue(() =>
      this.append({ kind: 'rate_limit', jobAttempt: this.jobAttempt, at: Date.now(), limit }, null),
    );
  }

  /** A redone attempt starts: ask the coordinator for its grant. */
  start(): Promise<void> {
    this.enqueue(() => this.append({ kind: 'start', jobAttempt: this.jobAttempt }, null));
    return this.flush();
  }

  /** Send nothing more (the job belongs to another worker now); what is queued is dropped. */
  stop(): void {
    this.failure ??= new QueueError('the job was handed to another worker');
  }

  /** Everything sent (what waits for a next write too, if it may go alone); throws if something could not be. */
  async flush(): Promise<void> {
    if (this.pending.length && this.pendingAfter && !NOT_RESTORABLE.includes(this.pendingAfter))
      this.ship(this.pendingAfter);
    await this.chain;
    if (this.failure instanceof Error) throw this.failure;
    if (this.failure) throw new QueueError('a stage output could not be sent');
  }

  private enqueue(send: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await send();
      } catch (e) {
        this.failure = e;
        this.onLost(e);
      }
    });
  }

  private async append(entry: LogEntry, state: RunState | null): Promise<void> {
    const entries = await this.job.log(JSON.stringify(entry));
    await this.job.updateProgress({ entries, state });
  }
}
