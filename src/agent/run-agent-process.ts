// The one skeleton every agent CLI runs through: pre-flight, directories, prompt.md, the process (own
// group, timeout, logs), then command_log.json, replay.sh, MODEL.md and, last, result.json. An adapter
// supplies only what differs (an AgentProcessSpec); `processAdapter` makes the AgentAdapter of it.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD, writeJsonAtomic } from '../util/atomic-write.js';
import { buildChildEnv } from '../util/env.js';
import { runProcess, type ProcessResult } from '../util/process.js';
import { checkRunRequest, type AdapterOptions, type AgentAdapter, type AgentRunRequest } from './adapter.js';
import { agentBin, assertRunnable, binHint, type AgentBinSource } from './agent-bin.js';
import type { ModelProbe } from './model-probe.js';
import { writeCommandLog, writeModelFile, writePromptFile, writeReplayScript } from './provenance.js';
import { AGENT_RESULT_FILE, type AgentResult } from './result.js';
import { verdict, type Classification } from './verdict.js';
import { agentVersion, versionNumber } from './version.js';

/** What an adapter read from its agent's output once the process ended. */
export interface AgentReport {
  verdict: Classification;
  resultText: string;
  usage: AgentResult['usage'];
  numTurns: number;
  cost: Pick<AgentResult, 'costUsd' | 'costSource'>;
  sessionId?: string;
  /** Default: the number in the `--version` line. */
  cliVersion?: string;
  /** Further JSON artefacts by file name (Claude Code: `init.json`). */
  artefacts?: Record<string, unknown>;
}

/** One agent process, as its adapter wants it started. */
export interface AgentLaunch {
  /** argv after the binary. */
  args: string[];
  /** The complete child environment. */
  env: NodeJS.ProcessEnv;
  /** Directories the agent needs, made before the start (the agent dir always is). */
  dirs: string[];
  /** The prompt is `args[promptArg]`; without it the agent reads the prompt on stdin. */
  promptArg?: number;
  /** replay.sh runs the command with stdin from /dev/null (Codex waits forever on an open pipe). */
  replayWithoutStdin?: boolean;
  /** Time between SIGTERM and SIGKILL (runProcess's default when absent). */
  killGraceMs?: number;
  /** Each stdout line as it arrives (stream readers). */
  onStdoutLine?: (line: string) => void;
  /** Stops the agent like the caller's signal does (Codex: its model server cannot be reached). */
  stop?: AbortSignal;
  /** Runs once the directories exist, right before the start; what it returns runs after the end, always. */
  prepare?: () => (() => void) | void;
  /** The report on the ended process; `version` is the `--version` line when MODEL.md is kept. */
  finish(proc: ProcessResult, version: string | undefined): AgentReport;
  /** MODEL.md (and a `--version` call for it): the flags shown and what was isolated. None when absent. */
  modelFile?: { flags: readonly string[]; isolation: Record<string, string> };
}

/** An agent CLI, as far as it differs from the others. */
export interface AgentProcessSpec {
  readonly name: string;
  /** Where its executable comes from (`--agent-bin` wins). */
  bin: AgentBinSource;
  /** The parent variables the agent may see (its `--version` call gets these and a neutral HOME). */
  envAllow: readonly string[];
  /** The model id a run sends for the requested one (alias resolution, the agent's own default). */
  model(requested: string): string;
  /** The process of one run of `model` (resolved). */
  launch(req: AgentRunRequest, run: { model: string }): AgentLaunch;
  /** One tiny request for `model` (already resolved) to the agent's provider, with the keys of `env`. */
  probe(model: string, env: NodeJS.ProcessEnv): ModelProbe;
}

/** The AgentAdapter of an agent CLI; `opts.bin` overrides the executable. */
export function processAdapter(spec: AgentProcessSpec, opts: AdapterOptions): AgentAdapter {
  const binOf = (env: NodeJS.ProcessEnv) => agentBin(spec.bin, opts.bin, env);
  return {
    name: spec.name,
    version: (env) => agentVersion(binOf(env), buildChildEnv(env, spec.envAllow, { HOME: tmpdir() })),
    preflight: (env) => assertRunnable(binOf(env), env, binHint(spec.bin)),
    probeModel: (requested, env) => spec.probe(spec.model(requested), env),
    run: (req) => runAgentProcess(spec, binOf, req),
  };
}

/**
 * Run the agent once and write its artefacts into `req.agentDir`; never throws for the agent's own
 * failures (only when it cannot be started at all: no workspace, a bad timeout).
 */
async function runAgentProcess(
  spec: AgentProcessSpec,
  binOf: (env: NodeJS.ProcessEnv) => string,
  req: AgentRunRequest,
): Promise<AgentResult> {
  checkRunRequest(req);
  const bin = binOf(req.baseEnv);
  const model = spec.model(req.model);
  const launch = spec.launch(req, { model });
  for (const d of [req.agentDir, ...launch.dirs]) mkdirSync(d, { recursive: true });
  const cleanup = launch.prepare?.();
  let proc: ProcessResult;
  let version: string | undefined;
  const startedAt = new Date();
  try {
    writePromptFile(req.agentDir, req.prompt);
    const versionLine = launch.modelFile ? agentVersion(bin, launch.env) : undefined;
    const { stop } = launch;
    proc = await runProcess({
      cmd: bin,
      args: launch.args,
      cwd: req.workspace,
      reapCwd: true,
      env: launch.env,
      input: launch.promptArg === undefined ? req.prompt : undefined,
      timeoutMs: req.timeoutMs,
      killGraceMs: launch.killGraceMs,
      stdoutFile: join(req.agentDir, 'stdout.log'),
      stderrFile: join(req.agentDir, 'stderr.log'),
      onStdoutLine: launch.onStdoutLine,
      signal: stop && req.signal ? AbortSignal.any([req.signal, stop]) : (stop ?? req.signal),
      onSpawn: req.onSpawn,
      sandbox: req.sandbox,
    });
    version = await versionLine;
  } finally {
    cleanup?.();
  }
  const report = launch.finish(proc, version);
  // A binary that never started is the same fact for every agent.
  if (proc.spawnError !== undefined)
    report.verdict = verdict.notStarted(bin, proc.spawnError, binHint(spec.bin));
  for (const [file, value] of Object.entries(report.artefacts ?? {}))
    writeJsonAtomic(join(req.agentDir, file), value, RECORD);
  const rec = {
    bin,
    args: launch.args,
    promptIndex: launch.promptArg,
    stdin: replayStdin(launch),
    cwd: req.workspace,
    env: launch.env,
    startedAt,
    exitCode: proc.exitCode,
    durationMs: proc.durationMs,
  };
  writeCommandLog(req.agentDir, rec);
  writeReplayScript(req.agentDir, rec);
  if (launch.modelFile)
    writeModelFile(req.agentDir, {
      requestedModel: req.model,
      model,
      agent: spec.name,
      versionOutput: version ?? 'unknown',
      ...launch.modelFile,
    });
  const result = toResult(proc, report, version);
  writeJsonAtomic(join(req.agentDir, AGENT_RESULT_FILE), result);
  return result;
}

/** What replay.sh feeds on stdin: the prompt where the agent read it there, else /dev/null if asked. */
function replayStdin(launch: AgentLaunch): 'prompt' | 'null' | undefined {
  if (launch.promptArg === undefined) return 'prompt';
  return launch.replayWithoutStdin ? 'null' : undefined;
}

/** The AgentResult, its fields always in the same order. */
function toResult(proc: ProcessResult, r: AgentReport, version: string | undefined): AgentResult {
  const result: AgentResult = {
    failure: r.verdict.outcome,
    exitCode: proc.exitCode,
    durationMs: proc.durationMs,
    resultText: r.resultText,
    usage: r.usage,
    numTurns: r.numTurns,
    ...r.cost,
    isError: r.verdict.isError,
  };
  if (r.verdict.rateLimit) result.rateLimit = r.verdict.rateLimit;
  if (r.verdict.errorMessage) result.errorMessage = r.verdict.errorMessage;
  if (r.sessionId) result.sessionId = r.sessionId;
  const cliVersion = r.cliVersion ?? (version === undefined ? undefined : versionNumber(version));
  if (cliVersion) result.cliVersion = cliVersion;
  return result;
}
