// The job of one run attempt, as the coordinator makes it: everything a worker needs to run the run
// pipeline without the results directory, the test case or the library — and no key or password.
import { basename, resolve } from 'node:path';
import type { ExperimentContext, RunSpec } from '../engine/context.js';
import type { RunRow } from '../store/store.js';
import { isLocalRepo } from '../workspace/base-clone.js';
import { buildGrant } from './grant.js';
import type { JobData } from './messages.js';
import { packResources } from './resources.js';
import type { Transport } from './transport.js';

/**
 * The task repository as workers get it: a local path made absolute (workers on the same disk clone
 * it), a URL without the user and password it may carry (workers use their own access).
 */
export function repoForWorkers(repo: string): string {
  if (isLocalRepo(repo)) return resolve(repo);
  try {
    const u = new URL(repo);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return repo; // scp-like `host:path`: nothing secret in it
  }
}

/** The experiment's key in the queue: its directory's name (unique, also across `--fresh`). */
export const expKeyOf = (ctx: ExperimentContext) => basename(ctx.expDir);

export async function jobData(
  ctx: ExperimentContext,
  spec: RunSpec,
  row: RunRow,
  transport: Transport,
  grantPlace: string,
): Promise<JobData> {
  const repo = repoForWorkers(ctx.config.repo);
  return {
    v: 1,
    expKey: expKeyOf(ctx),
    run: { tier: spec.tier, subtest: spec.subtest, run: spec.run },
    branch: spec.branch,
    resolved: spec.resolved,
    resources: packResources(spec.resolved),
    // The coordinator's agent binary means nothing on a worker: each uses its own.
    config: { ...ctx.config, repo, agentBin: null },
    inputs: {
      prompt: ctx.promptText,
      criteria: ctx.criteria,
      referencePatch: ctx.referencePatch,
      rubric: ctx.rubric,
    },
    repo: { url: repo, commit: ctx.baseCommit },
    pipelineBaseline: ctx.pipelineBaseline,
    declaredPipeline: ctx.declaredPipeline ?? null,
    until: ctx.until ?? null,
    transport: transport.kind,
    grant: await buildGrant(ctx, spec, row, 1, transport, grantPlace),
  };
}
