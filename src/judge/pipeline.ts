// The build/lint/test pipeline of a workspace, fed to every judge: run it, save its scripts, compare with the base commit.
//
// The engine runs it once per run in the agent's worktree, strictly AFTER the run's diff was captured
// (npm ci creates node_modules, tools may write files), and once per experiment in a clean worktree of
// the untouched commit (the baseline), so `compareWithBaseline` can tell the judge which failures the
// agent did not cause. Python bytecode goes to a temp dir outside the worktree, pytest and ruff run
// without caches, and cache directories the tools still created are removed afterwards.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InternalError } from '../errors.js';
import { RECORD, writeJsonAtomic } from '../util/atomic-write.js';
import type { CommandWrapper } from '../util/process.js';
import { findCacheDirs, removeNewCacheDirs } from './pipeline-caches.js';
import { stepEnv } from './pipeline-env.js';
import { normaliseLanguage, pipelineFor } from './pipeline-languages.js';
import {
  isFailure,
  PipelineResultSchema,
  type PipelineResult,
  type PipelineStep,
} from './pipeline-schema.js';
import { writeRunAll } from './pipeline-scripts.js';
import { runStep } from './pipeline-steps.js';

export { pipelineFor, type StepSpec } from './pipeline-languages.js';
export * from './pipeline-schema.js';

/** Per-step timeout when neither the caller nor the step sets one. */
export const DEFAULT_STEP_TIMEOUT_MS = 300_000;
/** File name of the persisted result inside `scriptsDir`. */
export const PIPELINE_JSON = 'pipeline.json';

/** What to run and where. */
export interface RunPipelineOptions {
  workspace: string;
  /** Language of the test case (`python`, `typescript`, `javascript`, `mojo`, anything else: no default steps). */
  language: string;
  /** test.yaml `pipeline:` commands; when given they replace the language default. */
  declared?: readonly { name: string; run: string }[];
  /** Where each step is saved as `NN-name.sh` (+ `NN-name.log`), with `run_all.sh` and `pipeline.json`. */
  scriptsDir: string;
  /** Timeout of every step; default: the step's own (mojo) or 300 s. */
  timeoutMs?: number;
  /** Environment the step environment is drawn from (allow-listed, never API keys); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the running step and rejects with InterruptedError (nothing is persisted). */
  signal?: AbortSignal;
  /** Every step runs inside it (the engine's per-run sandbox). */
  sandbox?: CommandWrapper;
}

/** Run the pipeline, save its scripts and `pipeline.json`, and return the result. Step failures are results, not errors. */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  const workspace = existingDir(opts.workspace);
  const scriptsDir = resolve(opts.scriptsDir);
  mkdirSync(scriptsDir, { recursive: true });
  const specs = pipelineFor(opts.language, opts.declared);
  const cachesBefore = findCacheDirs(workspace);
  const pycache = mkdtempSync(join(tmpdir(), 'scylla-pycache-'));
  const env = stepEnv(opts.env ?? process.env, pycache);
  const steps: PipelineStep[] = [];
  const files: string[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const timeoutMs = opts.timeoutMs ?? spec.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
      const { step, file } = await runStep(spec, i, {
        workspace,
        scriptsDir,
        env,
        timeoutMs,
        signal: opts.signal,
        sandbox: opts.sandbox,
      });
      steps.push(step);
      files.push(file);
    }
  } finally {
    removeNewCacheDirs(workspace, cachesBefore);
    rmSync(pycache, { recursive: true, force: true });
  }
  const result = finish(normaliseLanguage(opts.language) || 'other', steps);
  writeRunAll(scriptsDir, files);
  writeJsonAtomic(join(scriptsDir, PIPELINE_JSON), result, RECORD);
  return result;
}

/** The absolute, symlink-free path of a workspace that must exist: the engine hands over a live worktree. */
function existingDir(dir: string): string {
  try {
    const real = realpathSync(resolve(dir));
    if (statSync(real).isDirectory()) return real;
  } catch {
    /* reported below */
  }
  throw new InternalError(`pipeline workspace is not a directory: ${dir}`);
}

function finish(language: string, steps: PipelineStep[]): PipelineResult {
  return { language, steps, allPassed: steps.every((s) => !isFailure(s.status)), summary: summarize(steps) };
}

/** One line: `2 passed, 1 failed (pytest), 1 not available (ruff)`, plus the pre-existing failures if marked. */
export function summarize(steps: readonly PipelineStep[]): string {
  if (steps.length === 0) return 'no pipeline steps';
  const names = (status: PipelineStep['status']) =>
    steps.filter((s) => s.status === status).map((s) => s.name);
  const parts: string[] = [];
  const passed = names('passed').length;
  if (passed) parts.push(`${passed} passed`);
  for (const [status, label] of [
    ['failed', 'failed'],
    ['timed_out', 'timed out'],
    ['not_available', 'not available'],
    ['skipped', 'skipped'],
  ] as const) {
    const n = names(status);
    if (n.length) parts.push(`${n.length} ${label} (${n.join(', ')})`);
  }
  const pre = steps.filter((s) => s.preExisting).length;
  const preNote = pre ? ` (${pre} failure${pre === 1 ? '' : 's'} pre-existing on the base commit)` : '';
  return parts.join(', ') + preNote;
}

/**
 * Mark the failing steps of `result` that fail on the base commit too (same step name, failed or timed
 * out there) as `preExisting`, and say so in the summary. Pure; idempotent; a null baseline clears marks.
 */
export function compareWithBaseline(result: PipelineResult, baseline: PipelineResult | null): PipelineResult {
  const failingBefore = new Set(
    (baseline?.steps ?? []).filter((s) => isFailure(s.status)).map((s) => s.name),
  );
  const steps = result.steps.map((s) => {
    const { preExisting: _old, ...rest } = s;
    return isFailure(s.status) && failingBefore.has(s.name) ? { ...rest, preExisting: true } : rest;
  });
  return { ...result, steps, summary: summarize(steps) };
}

/**
 * A persisted result (a run's `pipeline.json`, the experiment's baseline), or null when the file is
 * missing or not a valid result: either way the pipeline output is not durable and is run again.
 */
export function loadPipelineResult(file: string): PipelineResult | null {
  try {
    const parsed = PipelineResultSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stored pipeline result of a run (`judge/pipeline.json`; null when the stage produced none). */
export function runPipelineResult(runDir: string): PipelineResult | null {
  return loadPipelineResult(join(runDir, 'judge', PIPELINE_JSON));
}
