// The run pipeline, stage by stage: workspace → config → prompt → agent → diff → build pipeline →
// judges → finalize → clean. Each stage reads what earlier stages made durable (store row, run
// directory), does its work, and records the transition in one store transaction before the next
// stage begins. A run re-enters at the first stage whose output is not durable; a finalized run is
// never touched again.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgentResult, type AgentResult } from '../agent/result.js';
import { InternalError } from '../errors.js';
import { RESULT_OUTCOMES } from '../outcomes.js';
import { buildTaskPrompt, materialize } from '../materialize/index.js';
import { writeMcpConfig } from '../mcp/config-file.js';
import { prepareMcp } from '../mcp/prepare.js';
import { runPipeline, compareWithBaseline, pipelineFor, type PipelineResult } from '../judge/pipeline.js';
import { judgeRun } from './judge-run.js';
import { endLeftovers, trackAgentProcess } from './leftovers.js';
import { pauseMs } from './rate-limits.js';
import { finalizeRun } from './finalize-run.js';
import { runLabel } from '../store/run-key.js';
import { resumeStage, stageIndex } from '../store/run-state.js';
import type { RunKey, RunRow } from '../store/store.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { assertFreeSpace } from '../util/disk.js';
import {
  createRunRepo,
  headCommit,
  publishRunBranch,
  removeRunRepo,
  resealRunRepo,
  resetRunRepo,
  restoreRunRepo,
  runRepoExists,
} from '../workspace/run-repo.js';
import { agentSandbox, pipelineSandbox } from './sandbox-policy.js';
import { recordAgentSandbox } from './sandbox-record.js';
import { captureDiff, commitAgentChanges, commitConfig } from '../workspace/diff.js';
import { quarantineRunDir } from '../workspace/quarantine.js';
import { workspaceDir } from '../workspace/paths.js';
import type { ExperimentContext, RunEnd, RunSpec } from './context.js';

/** Execute one run from wherever it stopped until it is finalized (or hits a non-result end). */
export async function executeRun(ctx: ExperimentContext, spec: RunSpec): Promise<RunEnd> {
  const key: RunKey = { tier: spec.tier, subtest: spec.subtest, run: spec.run };
  const log = ctx.logger.child({ run: runLabel(spec) });
  const row = await prepareAttempt(ctx, spec);
  if (row.state === 'cleaned') return finalizedEnd(row);
  const activeKey = runLabel(spec);
  try {
    return await runStages(ctx, spec, key, row, activeKey, log);
  } finally {
    ctx.active.delete(activeKey);
  }
}

async function runStages(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  first: RunRow,
  activeKey: string,
  log: ExperimentContext['logger'],
): Promise<RunEnd> {
  let row = first;
  const since = Date.now();
  // True while the workspace is exactly as a stage of this very call left it: a stage that would
  // otherwise first undo what a killed earlier attempt may have left can skip that (git) work.
  let fresh = false;
  for (;;) {
    const stage = resumeStage(row.state);
    if (stage === null) return finalizedEnd(row);
    if (ctx.hardStop.aborted && stage !== 'finalized') return { kind: 'interrupted' };
    // --until: a run that reached the stage waits there (one already judged just finishes).
    const at = stageIndex(row.state);
    if (ctx.until && at >= stageIndex(ctx.until) && at < stageIndex('judged')) return { kind: 'held' };
    ctx.active.set(activeKey, { stage, since });
    log.debug(`stage ${stage}`);
    let end: RunEnd | undefined;
    switch (stage) {
      case 'pending':
        await createWorkspace(ctx, spec, key);
        break;
      case 'workspace_ready':
        await commitConfiguration(ctx, spec, key, row, fresh);
        break;
      case 'config_committed':
        writePrompt(ctx, spec, key);
        break;
      case 'prompt_written':
        end = await runAgent(ctx, spec, key, row, fresh);
        break;
      case 'agent_done':
        await captureAgentDiff(ctx, spec, key, row);
        break;
      case 'diff_captured':
        await runBuildPipeline(ctx, spec, key, row, fresh);
        break;
      case 'pipeline_done':
        end = await judgeRun(ctx, spec, key, row);
        break;
      case 'judged':
        finalizeRun(ctx, spec, key, currentRow(ctx, key));
        break;
      case 'finalized':
        cleanWorkspace(ctx, spec, key);
        return finalizedEnd(currentRow(ctx, key));
      case 'cleaned':
        return finalizedEnd(row);
    }
    if (end) return end;
    // The agent's stage leaves the workspace as the agent did, and the MCP servers a configuration
    // check starts may leave files; every other stage leaves it as it meant to.
    fresh = stage === 'workspace_ready' ? spec.resolved.mcpServers.length === 0 : stage !== 'prompt_written';
    row = currentRow(ctx, key);
  }
}

/**
 * Make the run ready to (re-)enter the pipeline and return its row: leftover processes of a killed
 * earlier Scylla ended, a not-a-result attempt discarded (its artefacts kept in .failed/), a judge
 * failure set back to be judged again. A finished run is returned as it is.
 */
export async function prepareAttempt(ctx: ExperimentContext, spec: RunSpec): Promise<RunRow> {
  const key: RunKey = { tier: spec.tier, subtest: spec.subtest, run: spec.run };
  let row = currentRow(ctx, key);
  if (row.state === 'cleaned') return row;
  // A killed earlier Scylla may have left this run's agent running: end it before anything else.
  await endLeftovers(ctx, spec, row);

  // Not-a-result ends of an earlier attempt: keep their artefacts in .failed/, start afresh.
  if (row.state === 'rate_limited' || row.state === 'infra_failed' || row.state === 'interrupted') {
    discardAttempt(ctx, spec, row);
    row = currentRow(ctx, key);
  }
  if (row.state === 'judge_failed') {
    ctx.store.transition(key, 'judge_failed', 'pipeline_done', {}, 're-judge');
    row = currentRow(ctx, key);
  }
  return row;
}

/** The run's row as the store holds it now (a run missing from it is a bug). */
export function currentRow(ctx: ExperimentContext, key: RunKey): RunRow {
  const row = ctx.store.getRun(key);
  if (!row) throw new InternalError(`run ${runLabel(key)} missing from the store`);
  return row;
}

/** The end of a run that is finalized (or finalized and cleaned). */
export function finalizedEnd(row: RunRow): RunEnd {
  return { kind: 'finalized', passed: row.passed === 1, score: row.score ?? 0 };
}

/** Move the failed attempt's directory to .failed/, drop its worktree and branch, reset to pending. */
function discardAttempt(ctx: ExperimentContext, spec: RunSpec, row: RunRow): void {
  removeRunRepo(workspaceDir(spec.runDir));
  if (existsSync(spec.runDir)) quarantineRunDir(spec.runDir);
  // What the discarded attempt cost still counts against the budget (the store keeps it).
  ctx.store.discardAttempt(spec, row.state, `redo after ${row.state}`);
}

// --- stage: workspace ----------------------------------------------------------------------

async function createWorkspace(ctx: ExperimentContext, spec: RunSpec, key: RunKey): Promise<void> {
  mkdirSync(spec.runDir, { recursive: true });
  // A repository of the run's own: it shows no other run's branch, commit or object.
  await createRunRepo({
    path: workspaceDir(spec.runDir),
    branch: spec.branch,
    commit: ctx.baseCommit,
    store: ctx.taskStore,
  });
  ctx.store.transition(key, 'pending', 'workspace_ready', {
    branch: spec.branch,
    base_commit: ctx.baseCommit,
  });
}

/** A workspace that vanished is made again from the run's branch as published to the archive. */
async function ensureWorktree(ctx: ExperimentContext, spec: RunSpec): Promise<string> {
  const ws = workspaceDir(spec.runDir);
  if (!runRepoExists(ws))
    await restoreRunRepo({
      path: ws,
      branch: spec.branch,
      commit: ctx.baseCommit,
      store: ctx.taskStore,
      archive: ctx.baseRepo,
    });
  return ws;
}

// --- stage: configuration ------------------------------------------------------------------

async function commitConfiguration(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
  fresh: boolean,
): Promise<void> {
  const ws = await ensureWorktree(ctx, spec);
  const base = row.base_commit ?? ctx.baseCommit;
  // Back to the base commit first (unless just made there), so re-materialising after a crash
  // gives the same commit.
  if (!fresh) await resetRunRepo(ws, base);
  const m = materialize(ws, spec.resolved);
  const head = (await commitConfig(ws, m.paths)) ?? base;
  await publishRunBranch(ctx.baseRepo, ws, spec.branch);
  // The CLI skips an MCP server that fails to start without a word: check each one now, so a broken
  // server makes the run an infrastructure failure instead of a silent no-MCP run.
  const mcp = await prepareMcp(spec.resolved.mcpServers, {
    agentDir: join(spec.runDir, 'agent'),
    workspace: ws,
    baseEnv: ctx.env,
    signal: ctx.hardStop,
    sandbox: agentSandbox(ctx.sandbox, spec.runDir, spec.resolved, ctx.env),
  });
  writeJsonAtomic(join(spec.runDir, 'config_manifest.json'), {
    tier_id: spec.tier,
    subtest_id: spec.subtest,
    resolved: spec.resolved,
    claude_md_sha256: m.claudeMdSha256,
    files: m.paths,
    config_commit: head,
    mcp_config_file: mcp.configFile ?? null,
    mcp_tools: mcp.checks.flatMap((c) => c.tools),
  });
  ctx.store.transition(key, 'workspace_ready', 'config_committed', { config_commit: head });
}

// --- stage: prompt -------------------------------------------------------------------------

function writePrompt(ctx: ExperimentContext, spec: RunSpec, key: RunKey): void {
  writeFileAtomic(join(spec.runDir, 'task_prompt.md'), buildTaskPrompt(ctx.promptText, spec.resolved));
  ctx.store.transition(key, 'config_committed', 'prompt_written');
}

// --- stage: agent --------------------------------------------------------------------------

async function runAgent(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
  fresh: boolean,
): Promise<RunEnd | undefined> {
  const agentDir = join(spec.runDir, 'agent');
  const ws = await ensureWorktree(ctx, spec);
  // A complete agent result written just before a crash is reused, not paid for twice.
  let result: AgentResult | null = loadAgentResult(agentDir);
  const sandbox = agentSandbox(ctx.sandbox, spec.runDir, spec.resolved, ctx.env);
  if (!result || !RESULT_OUTCOMES.includes(result.failure)) {
    // Undo whatever a killed earlier attempt left in the worktree (a fresh one is clean).
    if (!fresh) await resetRunRepo(ws, row.config_commit ?? 'HEAD');
    const started = await ctx.slots.agent.add(async () => {
      // Wait at the gate inside the slot: a pause that began while we queued still applies.
      await ctx.gate.wait(ctx.hardStop);
      if (ctx.hardStop.aborted) return { kind: 'interrupted' as const };
      if (ctx.softStop.aborted) return { kind: 'not_started' as const };
      if (!ctx.budget.canStart()) return { kind: 'budget_exhausted' as const };
      // No agent is paid for whose work could not be kept.
      assertFreeSpace(ws);
      ctx.budget.started();
      const proc = trackAgentProcess(ctx, spec);
      try {
        return await ctx.adapter.run({
          workspace: ws,
          prompt: readFileSync(join(spec.runDir, 'task_prompt.md'), 'utf8'),
          model: ctx.config.model,
          timeoutMs: ctx.config.timeoutSeconds * 1000,
          agentDir,
          configDir: join(spec.runDir, 'agent', 'config'),
          baseEnv: ctx.env,
          maxTurns: ctx.config.maxTurns ?? undefined,
          tools: spec.resolved.tools,
          systemPromptMode: spec.resolved.systemPromptMode,
          mainAgent: spec.resolved.mainAgent,
          mcpConfigFile: writeMcpConfig(agentDir, spec.resolved.mcpServers, { onlyIfMissing: true }),
          // A subtest's own thinking level wins over the experiment's.
          thinking: spec.resolved.thinking ?? ctx.config.thinking ?? undefined,
          agentTeams: spec.resolved.agentTeams,
          useUserAuth: ctx.config.useUserAuth,
          extraArgs: ctx.config.agentArgs.length ? ctx.config.agentArgs : undefined,
          signal: ctx.hardStop,
          onSpawn: proc.onSpawn,
          sandbox,
          // The CLI retries a limit itself and goes on: the others pause now, not when it gives up.
          onRateLimitRetry: (r) =>
            ctx.reportRateLimit({
              kind: 'rate_limited',
              source: 'agent',
              limit: r.kind,
              retryAfterMs: pauseMs(
                r.retryAfterMs === null ? undefined : { retryAfterMs: r.retryAfterMs },
                ctx.config,
              ),
              message: r.message,
            }),
        });
      } finally {
        proc.ended();
        ctx.budget.finished();
      }
    });
    if ('kind' in started) return started;
    // An agent that ended on a full disk failed because of it: not a result (the run is redone).
    assertFreeSpace(ws);
    result = started;
    recordAgentSandbox(agentDir, sandbox, ctx.env);
    if (result.failure !== 'rate_limited') ctx.slots.onAgentSuccess();
  }
  const patch = {
    agent_outcome: result.failure,
    cost_usd: result.costUsd,
    agent_duration_ms: result.durationMs,
  };
  switch (result.failure) {
    case 'rate_limited': {
      const rl = result.rateLimit;
      ctx.store.transition(key, 'prompt_written', 'rate_limited', {
        ...patch,
        failure: 'rate_limited',
        failure_detail: rl?.message ?? null,
      });
      return {
        kind: 'rate_limited',
        source: 'agent',
        retryAfterMs: pauseMs(rl, ctx.config),
        limit: rl?.kind ?? 'rate_limit',
        message: rl?.message ?? 'rate limited',
      };
    }
    case 'infra_failed':
      ctx.store.transition(key, 'prompt_written', 'infra_failed', {
        ...patch,
        failure: 'infra_failed',
        failure_detail: result.errorMessage ?? null,
      });
      return { kind: 'infra_failed', message: result.errorMessage ?? 'agent infrastructure failure' };
    case 'interrupted':
      ctx.store.transition(key, 'prompt_written', 'interrupted', { ...patch, failure: 'interrupted' });
      return { kind: 'interrupted' };
    default:
      ctx.store.transition(key, 'prompt_written', 'agent_done', patch);
      return undefined;
  }
}

// --- stage: diff ---------------------------------------------------------------------------

async function captureAgentDiff(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
): Promise<void> {
  const ws = await ensureWorktree(ctx, spec);
  // The agent had the repository in hand: Scylla's own config and alternates before Scylla's git runs.
  resealRunRepo(ws, ctx.taskStore);
  const committed = await commitAgentChanges(
    ws,
    `[scylla] Agent changes ${spec.tier}/${spec.subtest} run ${spec.run}`,
  );
  // Nothing to commit: HEAD is the config commit, or whatever the agent committed itself.
  const head = committed ?? (await headCommit(ws));
  await publishRunBranch(ctx.baseRepo, ws, spec.branch);
  const diff = await captureDiff(ws, row.config_commit ?? row.base_commit ?? ctx.baseCommit, head);
  writeFileAtomic(join(spec.runDir, 'diff.patch'), diff.patch);
  writeJsonAtomic(join(spec.runDir, 'changed_files.json'), diff.files);
  ctx.store.transition(key, 'agent_done', 'diff_captured', { agent_commit: head });
}

// --- stage: build/lint/test pipeline ---------------------------------------------------------

async function runBuildPipeline(
  ctx: ExperimentContext,
  spec: RunSpec,
  key: RunKey,
  row: RunRow,
  fresh: boolean,
): Promise<void> {
  const result = await buildPipelineOf(ctx, spec, row, join(spec.runDir, 'judge'), fresh);
  writeJsonAtomic(join(spec.runDir, 'judge', 'pipeline.json'), result);
  ctx.store.transition(key, 'diff_captured', 'pipeline_done');
}

/**
 * The build/lint/test pipeline on the run's agent commit (its worktree restored from the branch if
 * it was removed), compared with the experiment's baseline; scripts are saved under `judgeDir`.
 */
export async function buildPipelineOf(
  ctx: ExperimentContext,
  spec: RunSpec,
  row: RunRow,
  judgeDir: string,
  fresh = false,
): Promise<PipelineResult> {
  const ws = await ensureWorktree(ctx, spec);
  // Runs after the diff was captured, so its caches can never pollute the agent's diff; the tracked
  // files are the agent commit's (just committed, or put back), and a pipeline of no step needs none.
  const steps = pipelineFor(ctx.config.language, ctx.declaredPipeline);
  if (!fresh && steps.length) await resetRunRepo(ws, row.agent_commit ?? 'HEAD', { keepUntracked: true });
  const scriptsDir = join(judgeDir, 'commands');
  const raw = await ctx.slots.pipeline.add(() =>
    runPipeline({
      workspace: ws,
      language: ctx.config.language,
      declared: ctx.declaredPipeline,
      scriptsDir,
      signal: ctx.hardStop,
      // The pipeline runs the agent's code: inside the run's sandbox, like the agent.
      sandbox: pipelineSandbox(ctx.sandbox, ws, scriptsDir),
    }),
  );
  return compareWithBaseline(raw, ctx.pipelineBaseline);
}

// --- stage: clean --------------------------------------------------------------------------

function cleanWorkspace(ctx: ExperimentContext, spec: RunSpec, key: RunKey): void {
  const keep =
    ctx.config.keepWorkspaces || (ctx.config.keepFailedWorkspaces && currentRow(ctx, key).passed !== 1);
  if (keep) return;
  removeRunRepo(workspaceDir(spec.runDir));
  ctx.store.transition(key, 'finalized', 'cleaned');
}
