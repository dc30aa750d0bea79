// The generic `command` adapter: any executable, prompt on stdin, usage from its last JSON stdout line.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentError } from '../errors.js';
import { detectRateLimit } from '../ratelimit/detect.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { buildChildEnv } from '../util/env.js';
import { runProcess, type ProcessResult } from '../util/process.js';
import { assertRunnable } from './agent-bin.js';
import { checkRunRequest, type AdapterOptions, type AgentAdapter, type AgentRunRequest } from './adapter.js';
import { CLAUDE_ENV_ALLOW, isolatedPaths } from './claude-args.js';
import { costFor } from './pricing.js';
import { writeCommandLog, writePromptFile, writeReplayScript } from './provenance.js';
import { AGENT_RESULT_FILE, ZERO_USAGE, type AgentResult } from './result.js';
import { agentVersion } from './version.js';

/** Environment a command agent may see: the Claude allow-list plus other providers' keys. */
const COMMAND_ENV_ALLOW = [...CLAUDE_ENV_ALLOW, 'OPENAI_*', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'];

/** The report line a command agent may print last: `{"usage":{...},"cost_usd":0.01,"result":"..."}`. */
const ReportSchema = z
  .looseObject({
    usage: z
      .looseObject({
        input_tokens: z.number().int().nonnegative().optional(),
        output_tokens: z.number().int().nonnegative().optional(),
        cache_creation_input_tokens: z.number().int().nonnegative().optional(),
        cache_read_input_tokens: z.number().int().nonnegative().optional(),
      })
      .optional(),
    cost_usd: z.number().nonnegative().optional(),
    result: z.string().optional(),
    num_turns: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.usage !== undefined || r.cost_usd !== undefined);

function lastReport(stdout: string): z.infer<typeof ReportSchema> | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const r = ReportSchema.safeParse(JSON.parse(line.trim()));
      if (r.success) return r.data;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}

function toResult(proc: ProcessResult, model: string, bin: string): AgentResult {
  const rep = lastReport(proc.stdout);
  const usage = {
    inputTokens: rep?.usage?.input_tokens ?? 0,
    outputTokens: rep?.usage?.output_tokens ?? 0,
    cacheCreationTokens: rep?.usage?.cache_creation_input_tokens ?? 0,
    cacheReadTokens: rep?.usage?.cache_read_input_tokens ?? 0,
  };
  const table = costFor(model, usage);
  const cost =
    rep?.cost_usd !== undefined
      ? { costUsd: rep.cost_usd, costSource: 'cli' as const }
      : table === null
        ? { costUsd: 0, costSource: 'none' as const }
        : { costUsd: table, costSource: 'price_table' as const };
  const base = {
    exitCode: proc.exitCode,
    durationMs: proc.durationMs,
    resultText: rep?.result ?? proc.stdout.trim().slice(-4000),
    usage: rep ? usage : { ...ZERO_USAGE },
    numTurns: rep?.num_turns ?? 0,
    ...cost,
  };
  if (proc.spawnError !== undefined)
    return {
      ...base,
      failure: 'infra_failed',
      isError: true,
      errorMessage: `cannot start "${bin}": ${proc.spawnError}`,
    };
  if (proc.aborted) return { ...base, failure: 'interrupted', isError: true, errorMessage: 'interrupted' };
  if (proc.timedOut) return { ...base, failure: 'timed_out', isError: true, errorMessage: 'timed out' };
  if (proc.exitCode === 0) return { ...base, failure: 'completed', isError: false };
  const rateLimit = detectRateLimit({ exitCode: proc.exitCode, isError: true, stderr: proc.stderr });
  if (rateLimit)
    return { ...base, failure: 'rate_limited', isError: true, rateLimit, errorMessage: rateLimit.message };
  const errorMessage = proc.stderr.trim().slice(-500) || `exit code ${proc.exitCode}`;
  return { ...base, failure: 'agent_error', isError: true, errorMessage };
}

/** Any executable as an agent: runs in the workspace, gets the prompt on stdin, `extraArgs` as argv. */
export function createCommandAdapter(opts: AdapterOptions = {}): AgentAdapter {
  const binOf = (env: NodeJS.ProcessEnv): string => {
    const bin = opts.bin ?? env.SCYLLA_AGENT_BIN;
    if (!bin)
      throw new AgentError('the command adapter needs an executable: set --agent-bin or SCYLLA_AGENT_BIN');
    return bin;
  };
  return {
    name: 'command',
    version: (env) => agentVersion(binOf(env), buildChildEnv(env, COMMAND_ENV_ALLOW)),
    preflight: (env) => assertRunnable(binOf(env), env, 'check --agent-bin or SCYLLA_AGENT_BIN'),
    async run(req: AgentRunRequest): Promise<AgentResult> {
      checkRunRequest(req);
      const bin = binOf(req.baseEnv);
      const { home, tmp } = isolatedPaths(req.configDir);
      for (const d of [req.agentDir, home, tmp]) mkdirSync(d, { recursive: true });
      const env = buildChildEnv(req.baseEnv, COMMAND_ENV_ALLOW, {
        HOME: home,
        TMPDIR: tmp,
        SCYLLA_MODEL: req.model,
      });
      const args = req.extraArgs ?? [];
      writePromptFile(req.agentDir, req.prompt);
      const startedAt = new Date();
      const proc = await runProcess({
        cmd: bin,
        args,
        cwd: req.workspace,
        reapCwd: true,
        env,
        input: req.prompt,
        timeoutMs: req.timeoutMs,
        stdoutFile: join(req.agentDir, 'stdout.log'),
        stderrFile: join(req.agentDir, 'stderr.log'),
        signal: req.signal,
        sandbox: req.sandbox,
      });
      const result = toResult(proc, req.model, bin);
      const rec = {
        bin,
        args,
        promptOnStdin: true,
        cwd: req.workspace,
        env,
        startedAt,
        exitCode: proc.exitCode,
        durationMs: proc.durationMs,
      };
      writeCommandLog(req.agentDir, rec);
      writeReplayScript(req.agentDir, rec);
      writeJsonAtomic(join(req.agentDir, AGENT_RESULT_FILE), result);
      return result;
    },
  };
}
