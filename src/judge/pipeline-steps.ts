// Runs one pipeline step: does it apply, are its tools on PATH, then its saved script under bash, classified into a status.
import { join } from 'node:path';
import { InterruptedError, SandboxError } from '../errors.js';
import { runProcess, type CommandWrapper } from '../util/process.js';
import type { StepSpec } from './pipeline-languages.js';
import { which } from './pipeline-probes.js';
import type { PipelineStep, StepStatus } from './pipeline-schema.js';
import { stepLogName, stepScriptName, writeStepScript } from './pipeline-scripts.js';

/** Characters of a step's output kept in the result (head and tail); the full output is in the step's log. */
export const STEP_OUTPUT_MAX_CHARS = 20_000;
/** Bytes of a step's output held in memory while it runs. */
const STEP_BUFFER_BYTES = 4 * 1024 * 1024;

/** Where and how a step runs. */
export interface StepRunOptions {
  /** Absolute workspace path. */
  workspace: string;
  scriptsDir: string;
  env: NodeJS.ProcessEnv;
  /** Timeout of this step. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Every step (and every probe) runs inside it. */
  sandbox?: CommandWrapper;
}

/** Keep the head and the tail of a long output, with a marker saying how much was left out. */
export function truncateOutput(text: string, max = STEP_OUTPUT_MAX_CHARS): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n[... ${omitted} characters omitted; full output in the step log ...]\n${text.slice(-half)}`;
}

type Decision =
  { run: true; command?: string } | { run: false; status: 'skipped' | 'not_available'; reason: string };

/** Applies? → tools on PATH? → otherwise available? A skip wins over a missing tool: no tests, no verdict. */
async function decide(spec: StepSpec, opts: StepRunOptions): Promise<Decision> {
  const ctx = { workspace: opts.workspace, env: opts.env, signal: opts.signal, sandbox: opts.sandbox };
  const applies = spec.applies ? spec.applies(ctx) : { run: true as const };
  if (!applies.run) return applies;
  const missing = (spec.requires ?? []).filter((tool) => which(tool, opts.env) === null);
  if (missing.length)
    return {
      run: false,
      status: 'not_available',
      reason: `not available: ${missing.join(', ')} not on PATH`,
    };
  const unavailable = spec.available ? await spec.available(ctx) : null;
  return unavailable ? { run: false, status: 'not_available', reason: unavailable } : applies;
}

/** Run step `index` of the pipeline; its script is saved whether or not it runs. Returns the step and its script's file name. */
export async function runStep(
  spec: StepSpec,
  index: number,
  opts: StepRunOptions,
): Promise<{ step: PipelineStep; file: string }> {
  const file = stepScriptName(index, spec.name);
  if (opts.signal?.aborted) throw new InterruptedError('pipeline interrupted');
  const decision = await decide(spec, opts);
  if (opts.signal?.aborted) throw new InterruptedError('pipeline interrupted'); // a probe may have been cut short
  const command = decision.run && decision.command ? decision.command : spec.command;
  const script = writeStepScript(opts.scriptsDir, file, spec.name, command, opts.workspace);
  if (!decision.run) {
    const step = {
      name: spec.name,
      command,
      status: decision.status,
      exitCode: null,
      durationMs: 0,
      output: decision.reason,
    };
    return { step, file };
  }
  const r = await runProcess({
    cmd: 'bash',
    // stderr joins stdout so the judge reads the two in the order they were written.
    args: ['-c', 'exec bash "$1" 2>&1', 'scylla-step', script],
    cwd: opts.workspace,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    sandbox: opts.sandbox,
    stdoutFile: join(opts.scriptsDir, stepLogName(file)),
    maxBufferBytes: STEP_BUFFER_BYTES,
  });
  if (r.aborted) throw new InterruptedError('pipeline interrupted');
  // Not the agent's doing: the run is an infrastructure failure and is redone, never a result.
  if (r.sandboxError) throw new SandboxError(`pipeline step ${spec.name}: ${r.sandboxError}`);
  let status: StepStatus;
  let output = r.stdout + r.stderr;
  if (r.timedOut) {
    status = 'timed_out';
    output += `\n[timed out after ${opts.timeoutMs / 1000} s; the step was killed]`;
  } else if (r.spawnError) {
    status = 'failed';
    output += `\n[could not start bash: ${r.spawnError}]`;
  } else if (r.exitCode === 0) status = 'passed';
  else if (r.exitCode !== null && spec.skipExitCodes?.includes(r.exitCode)) status = 'skipped';
  else status = 'failed';
  const exitCode = r.timedOut ? null : r.exitCode;
  return {
    step: {
      name: spec.name,
      command,
      status,
      exitCode,
      durationMs: r.durationMs,
      output: truncateOutput(output),
    },
    file,
  };
}
