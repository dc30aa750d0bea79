// `scylla rerun`: plan, then apply. The plan selects runs of an existing experiment by filters and
// says what would happen and cost; applying re-judges them into a new judge set (`--judges`,
// `--from pipeline` with the build pipeline again) or redoes their agents from a fresh workspace
// (`--agents`), recorded in the store so a killed rerun continues where it stopped.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, type ExperimentConfig } from '../config/experiment-config.js';
import { DEFAULT_RUBRIC, loadRubric } from '../config/rubric.js';
import { ConfigError } from '../errors.js';
import { loadTestCase } from '../fixture/load-test-case.js';
import type { StopReason } from '../outcomes.js';
import { loadExperimentConfig, tiersFromStore } from '../report/store-tiers.js';
import { writeAllReports } from '../report/write-reports.js';
import { openStoreReader, type StoreReader } from '../store/reader.js';
import type { RerunRow, RunRow } from '../store/rows.js';
import { isFinal } from '../store/run-state.js';
import { runLabel, type RunKey } from '../store/run-key.js';
import { Store } from '../store/store.js';
import { fileSha256 } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { keepAttemptBranch } from '../workspace/keep-attempt.js';
import { runDir, workspaceDir } from '../workspace/paths.js';
import { quarantineRunDir } from '../workspace/quarantine.js';
import { removeRunRepo } from '../workspace/run-repo.js';
import { chooseSandbox } from '../sandbox/registry.js';
import type { RunSpec } from './context.js';
import { DB_FILE } from './experiment-dir.js';
import { createAgentAdapter } from './judges.js';
import { openExperiment } from './open-experiment.js';
import { pipelineBaseline } from './pipeline-baseline.js';
import { estimateAgents, estimateJudges, type RerunEstimate } from './rerun-estimate.js';
import { rejudgeRun, type RejudgeJob } from './rerun-judges.js';
import { selectRuns, type RunSelection } from './rerun-select.js';
import { runExperiment } from './run-experiment.js';
import { schedule } from './scheduler.js';
import { openSession } from './session.js';
import { ResolvedConfigSchema } from '../fixture/resolved-config.js';

/** What to redo. */
export interface RerunRequest {
  expDir: string;
  /** `judges`: re-judge; `pipeline`: build pipeline and judges again; `agents`: the whole run again. */
  kind: RerunRow['kind'];
  selection: RunSelection;
  /** Judge models of the new set (default: the experiment's). */
  judgeModels?: string[];
  /** Judge the new set against this rubric / these criteria instead of the experiment's. */
  rubricFile?: string;
  criteriaFile?: string;
  /** Re-run only this judge slot (1 = the first judge); the others are carried over. */
  judgeSlot?: number;
  /** Settings of this invocation (parallelism, waits, budget): not part of what a result means. */
  overrides?: Partial<
    Pick<
      ExperimentConfig,
      'parallel' | 'parallelJudges' | 'maxCostUsd' | 'rateLimitWaitSeconds' | 'maxWaitSeconds'
    >
  >;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  softStop?: AbortSignal;
  hardStop?: AbortSignal;
}

/** What a rerun would do. */
export interface RerunPlan {
  expDir: string;
  kind: RerunRow['kind'];
  runs: RunKey[];
  /** Runs the filters matched but this kind cannot redo, with why. */
  skipped: { run: RunKey; why: string }[];
  /** An unfinished rerun of the same request that applying would continue. */
  continues: number | null;
  estimate: RerunEstimate;
}

/** How a rerun ended. */
export interface RerunOutcome {
  plan: RerunPlan;
  rerunId: number;
  judgeSet: number | null;
  /** Selected runs now done (judged in the set, or finalized again). */
  done: number;
  status: RerunRow['status'];
  stopReason: StopReason | null;
}

const keyOf = (k: RunKey) => `${k.tier}/${k.subtest}/${k.run}`;

/** The request as it is recorded (and matched when a killed rerun is continued). */
function recorded(req: RerunRequest): unknown {
  return {
    kind: req.kind,
    selection: req.selection,
    judgeModels: req.judgeModels ?? null,
    rubricSha256: fileSha256(req.rubricFile),
    criteriaSha256: fileSha256(req.criteriaFile),
    judgeSlot: req.judgeSlot ?? null,
  };
}

function storedConfig(expDir: string, store: StoreReader): ExperimentConfig {
  const config = loadExperimentConfig(expDir, store);
  if (!config)
    throw new ConfigError('the stored configuration cannot be read', {
      file: join(expDir, 'experiment.json'),
    });
  return config;
}

/** Plan a rerun without changing anything (the store is opened read-only). */
export function planRerun(req: RerunRequest): RerunPlan {
  const store = openStoreReader(join(req.expDir, DB_FILE));
  try {
    const config = storedConfig(req.expDir, store);
    const open = store
      .reruns()
      .find(
        (r) =>
          r.status !== 'completed' &&
          canonicalJson(JSON.parse(r.request_json)) === canonicalJson(recorded(req)),
      );
    const rows = store.runs();
    const matched = open
      ? rows.filter((r) => store.rerunRuns(open.id).some((k) => keyOf(k) === keyOf(r)))
      : selectRuns(rows, req.selection, store.verdicts(store.currentJudgeSet()));
    const skipped: RerunPlan['skipped'] = [];
    const runs: RunRow[] = [];
    for (const r of matched) {
      const why =
        req.kind !== 'agents' && !isFinal(r.state)
          ? `not finished (${r.state}); a judge set re-judges finished runs`
          : req.kind === 'agents' && r.state === 'pending'
            ? 'never started; any run or rerun starts it'
            : null;
      if (why) skipped.push({ run: { tier: r.tier, subtest: r.subtest, run: r.run }, why });
      else runs.push(r);
    }
    const estimate =
      req.kind === 'agents'
        ? estimateAgents(runs, rows)
        : estimateJudges(runs.length, req.judgeModels ?? config.judgeModels, store.judgments());
    return {
      expDir: req.expDir,
      kind: req.kind,
      runs: runs.map((r) => ({ tier: r.tier, subtest: r.subtest, run: r.run })),
      skipped,
      continues: open?.id ?? null,
      estimate,
    };
  } finally {
    store.close();
  }
}

/** Apply a plan. Nothing matched: nothing is done (the caller says so). */
export async function applyRerun(req: RerunRequest, plan: RerunPlan): Promise<RerunOutcome> {
  const reader = openStoreReader(join(req.expDir, DB_FILE));
  const config = { ...storedConfig(req.expDir, reader), ...req.overrides };
  reader.close();
  return req.kind === 'agents' ? rerunAgents(req, plan, config) : rejudge(req, plan, config);
}

/** Continue the recorded rerun of this request, or record a new one. */
function rerunRecord(store: Store, req: RerunRequest, plan: RerunPlan): number {
  if (plan.continues !== null) {
    store.setRerunStatus(plan.continues, 'running');
    return plan.continues;
  }
  const attempts = new Map(store.runs().map((r) => [keyOf(r), r.attempt]));
  let user: string | null = null;
  try {
    user = userInfo().username;
  } catch {
    // no user name on this system
  }
  return store.startRerun({
    kind: req.kind,
    request: recorded(req),
    runs: plan.runs.map((k) => ({ ...k, attempt: attempts.get(keyOf(k)) ?? 1 })),
    user,
    host: hostname(),
  });
}

/** The rubric and criteria the new judge set uses, kept with the experiment (immutable copies). */
function setInputs(expDir: string, judgeSet: number, req: RerunRequest) {
  const dir = join(expDir, 'judge_sets', `set_${String(judgeSet).padStart(2, '0')}`);
  mkdirSync(dir, { recursive: true });
  if (req.rubricFile && !existsSync(join(dir, 'rubric.yaml')))
    copyFileSync(req.rubricFile, join(dir, 'rubric.yaml'));
  if (req.criteriaFile && !existsSync(join(dir, 'criteria.md')))
    copyFileSync(req.criteriaFile, join(dir, 'criteria.md'));
  const pick = (name: string) => [join(dir, name), join(expDir, name)].find((f) => existsSync(f)) ?? null;
  const rubricFile = pick('rubric.yaml');
  const criteriaFile = pick('criteria.md');
  return {
    rubric: rubricFile ? loadRubric(rubricFile) : DEFAULT_RUBRIC,
    criteria: criteriaFile ? readFileSync(criteriaFile, 'utf8') : null,
  };
}

function specOf(store: StoreReader, expDir: string, config: ExperimentConfig, k: RunKey): RunSpec {
  const row = store.getRun(k)!;
  const st = store.subtestFingerprint(k.tier, k.subtest);
  return {
    ...k,
    resolved: ResolvedConfigSchema.parse(JSON.parse(st?.resolved_json ?? '{}')),
    runDir: runDir(expDir, k.tier, k.subtest, k.run),
    branch: row.branch ?? '',
  };
}

async function rejudge(req: RerunRequest, plan: RerunPlan, config: ExperimentConfig): Promise<RerunOutcome> {
  const logger = req.logger;
  const env = req.env ?? process.env;
  const { store } = openExperiment(config, { dir: req.expDir });
  let session: Awaited<ReturnType<typeof openSession>> | null = null;
  const rerunId = rerunRecord(store, req, plan);
  try {
    const existing = store.reruns().find((r) => r.id === rerunId)?.judge_set ?? null;
    const judgeModels = req.judgeModels ?? config.judgeModels;
    const judgeSet =
      existing ??
      store.createJudgeSet(
        {
          judgeModels,
          rerunPipeline: req.kind === 'pipeline',
          judgeSlot: req.judgeSlot ?? null,
          ...(recorded(req) as object),
        },
        rerunId,
      );
    store.setRerunJudgeSet(rerunId, judgeSet);
    const inputs = setInputs(req.expDir, judgeSet, req);
    const promptFile = join(req.expDir, 'prompt.md');
    session = await openSession({
      config,
      expDir: req.expDir,
      store,
      adapter: createAgentAdapter(config.agent, { bin: config.agentBin ?? undefined }),
      sandbox: await chooseSandbox(config.sandbox, env, config.network),
      judgeModels,
      inputs: {
        prompt: existsSync(promptFile) ? readFileSync(promptFile, 'utf8') : '',
        criteria: inputs.criteria,
        referencePatch:
          config.referencePatch && existsSync(config.referencePatch)
            ? readFileSync(config.referencePatch, 'utf8')
            : null,
        rubric: inputs.rubric,
      },
      declaredPipeline: existsSync(config.tiersDir) ? loadTestCase(config.tiersDir).spec.pipeline : undefined,
      logger,
      env,
      softStop: req.softStop,
      hardStop: req.hardStop,
    });
    const ctx = session.ctx;
    if (req.kind === 'pipeline') ctx.pipelineBaseline = await pipelineBaseline(ctx);
    const job: RejudgeJob = {
      judgeSet,
      rerunPipeline: req.kind === 'pipeline',
      judgeSlot: req.judgeSlot ?? null,
    };
    const bySubtest = new Map<string, RunSpec[]>();
    for (const k of plan.runs) {
      const list = bySubtest.get(`${k.tier}/${k.subtest}`) ?? [];
      list.push(specOf(store, req.expDir, config, k));
      bySubtest.set(`${k.tier}/${k.subtest}`, list);
    }
    await schedule(
      [...bySubtest.values()],
      { slots: ctx.slots, parallelRuns: Math.max(config.parallelRuns, config.parallel) },
      {
        execute: async (spec) => {
          try {
            return await rejudgeRun(ctx, spec, job);
          } catch (e) {
            if (ctx.hardStop.aborted) return { kind: 'interrupted' };
            logger.error(`${runLabel(spec)}: ${(e as Error).message}`);
            return { kind: 'infra_failed', message: (e as Error).message };
          }
        },
        onRateLimit: (end) => ctx.reportRateLimit(end),
        waitGate: () => ctx.gate.wait(ctx.hardStop),
        stopping: () => ctx.softStop.aborted || ctx.hardStop.aborted,
        logger,
      },
    );
    const done = plan.runs.filter((k) => store.verdictIn(k, judgeSet)?.valid === 1).length;
    const status = done === plan.runs.length ? 'completed' : 'interrupted';
    if (status === 'completed') store.completeJudgeSet(judgeSet);
    store.setRerunStatus(rerunId, status);
    await writeAllReports({ store, expDir: req.expDir, config, tiers: tiersFromStore(store) });
    return { plan, rerunId, judgeSet, done, status, stopReason: session.stopReason() };
  } catch (e) {
    store.setRerunStatus(rerunId, 'failed');
    throw e;
  } finally {
    await session?.close();
    store.release(process.pid);
    store.close();
  }
}

async function rerunAgents(
  req: RerunRequest,
  plan: RerunPlan,
  config: ExperimentConfig,
): Promise<RerunOutcome> {
  const selected = new Set(plan.runs.map(keyOf));
  // 1. Record the rerun and set the selected runs' current attempts aside (once each).
  const opened = openExperiment(config, { dir: req.expDir });
  let rerunId: number;
  try {
    const store = opened.store;
    rerunId = rerunRecord(store, req, plan);
    for (const k of store.rerunRuns(rerunId)) {
      const row = store.getRun(k);
      if (!row || row.attempt !== k.attempt || row.state === 'pending') continue; // set aside already
      const dir = runDir(req.expDir, k.tier, k.subtest, k.run);
      const clone = join(req.expDir, 'repo');
      if (row.branch && existsSync(clone)) {
        removeRunRepo(workspaceDir(dir));
        await keepAttemptBranch(clone, row.branch, row.attempt);
      }
      if (existsSync(dir)) quarantineRunDir(dir);
      store.discardAttempt(k, row.state, `rerun #${rerunId} --agents`);
    }
  } finally {
    opened.store.release(process.pid);
    opened.store.close();
  }
  // 2. Run exactly those runs again, as `scylla run` would.
  const outcome = await runExperiment({
    config,
    testCase: loadTestCase(config.tiersDir),
    dir: req.expDir,
    only: (k) => selected.has(keyOf(k)),
    logger: req.logger,
    env: req.env,
    softStop: req.softStop,
    hardStop: req.hardStop,
    skipValidation: true,
  });
  const store = new Store(join(req.expDir, DB_FILE));
  try {
    const done = plan.runs.filter((k) => isFinal(store.getRun(k)?.state ?? 'pending')).length;
    const status = done === plan.runs.length ? 'completed' : 'interrupted';
    store.setRerunStatus(rerunId, status);
    return { plan, rerunId, judgeSet: null, done, status, stopReason: outcome.stopReason };
  } finally {
    store.close();
  }
}
