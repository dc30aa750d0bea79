// The Claude Code adapter: runs `claude --print` headless and isolated, parses its output, writes provenance.
import { mkdirSync, rmSync } from 'node:fs';
import { claudeIsolationNotes, copyUserCredentials } from './isolation.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryLimitKind, type ApiRetry } from '../ratelimit/detect.js';

import { writeJsonAtomic } from '../util/atomic-write.js';
import { buildChildEnv } from '../util/env.js';
import { runProcess, type ProcessResult } from '../util/process.js';
import { assertRunnable, CLAUDE_BIN_HINT, defaultAgentBin } from './agent-bin.js';
import { checkRunRequest, type AdapterOptions, type AgentAdapter, type AgentRunRequest } from './adapter.js';
import {
  CLAUDE_ENV_ALLOW,
  buildClaudeArgs,
  buildClaudeEnv,
  describeAgentConfig,
  isolatedPaths,
} from './claude-args.js';
import { StreamJsonReader, parseJsonOutput, type ClaudeOutput } from './claude-output.js';
import { classifyRun } from './classify.js';
import { resolveModelAlias } from './models.js';
import { costFor } from './pricing.js';
import {
  writeCommandLog,
  writeModelFile,
  writePromptFile,
  writeReplayScript,
  type CommandRecord,
} from './provenance.js';
import { AGENT_RESULT_FILE, type AgentResult } from './result.js';
import { agentVersion, versionNumber } from './version.js';

/** The binary to run: the factory option, else SCYLLA_CLAUDE_BIN, else `claude` (see defaultAgentBin). */
export function claudeBin(opts: AdapterOptions, env: NodeJS.ProcessEnv): string {
  return opts.bin ?? env.SCYLLA_CLAUDE_BIN ?? defaultAgentBin('claude', env);
}

/** The CLI's own total when it reports one, else the price table, else nothing. */
export function runCost(model: string, out: ClaudeOutput): Pick<AgentResult, 'costUsd' | 'costSource'> {
  const cli = out.result?.total_cost_usd;
  if (cli !== undefined && cli > 0) return { costUsd: cli, costSource: 'cli' };
  const table = costFor(model, out.usage);
  return table === null ? { costUsd: 0, costSource: 'none' } : { costUsd: table, costSource: 'price_table' };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Build the AgentResult of a finished process. */
function toResult(
  proc: ProcessResult,
  out: ClaudeOutput,
  model: string,
  bin: string,
  version: string,
): AgentResult {
  const verdict = classifyRun(proc, out, bin);
  const result: AgentResult = {
    failure: verdict.failure,
    exitCode: proc.exitCode,
    durationMs: proc.durationMs,
    resultText: out.result?.result ?? out.lastText,
    usage: out.usage,
    numTurns: out.numTurns,
    ...runCost(str(out.init?.model) ?? model, out),
    isError: verdict.isError,
  };
  if (verdict.rateLimit) result.rateLimit = verdict.rateLimit;
  if (verdict.errorMessage) result.errorMessage = verdict.errorMessage;
  const sessionId = out.result?.session_id ?? str(out.init?.session_id);
  if (sessionId) result.sessionId = sessionId;
  const cliVersion = str(out.init?.claude_code_version) ?? versionNumber(version);
  if (cliVersion) result.cliVersion = cliVersion;
  return result;
}

/** Tell the harness about a rate limit the CLI is retrying by itself (it goes on with the run). */
function reportRetry(req: AgentRunRequest, r: ApiRetry): void {
  const kind = retryLimitKind(r);
  if (!kind || !req.onRateLimitRetry) return;
  const what = r.errorStatus ?? r.error ?? kind;
  const wait = r.retryDelayMs === null ? '' : ` in ${(r.retryDelayMs / 1000).toFixed(1)} s`;
  req.onRateLimitRetry({ kind, retryAfterMs: r.retryDelayMs, message: `agent got ${what}, retrying${wait}` });
}

/** Claude Code, headless. `opts.bin` overrides the binary. */
export function createClaudeCodeAdapter(opts: AdapterOptions = {}): AgentAdapter {
  return {
    name: 'claude-code',
    version: (env) =>
      agentVersion(claudeBin(opts, env), buildChildEnv(env, CLAUDE_ENV_ALLOW, { HOME: tmpdir() })),
    preflight: (env) => assertRunnable(claudeBin(opts, env), env, CLAUDE_BIN_HINT),
    async run(req: AgentRunRequest): Promise<AgentResult> {
      checkRunRequest(req);
      const bin = claudeBin(opts, req.baseEnv);
      const model = resolveModelAlias(req.model);
      const { home, tmp } = isolatedPaths(req.configDir);
      for (const d of [req.agentDir, req.configDir, home, tmp]) mkdirSync(d, { recursive: true });
      const args = buildClaudeArgs(req, model);
      const env = buildClaudeEnv(req, process.getuid?.() === 0);
      writePromptFile(req.agentDir, req.prompt);
      const version = agentVersion(bin, env);
      const reader =
        (req.outputFormat ?? 'stream-json') === 'stream-json'
          ? new StreamJsonReader((r) => reportRetry(req, r))
          : undefined;
      const startedAt = new Date();
      // --use-user-auth: the user's Claude login, copied read-only for this run only.
      const creds = req.useUserAuth ? copyUserCredentials(req.configDir, req.baseEnv) : undefined;
      const proc = await runProcess({
        cmd: bin,
        args,
        cwd: req.workspace,
        reapCwd: true,
        env,
        timeoutMs: req.timeoutMs,
        killGraceMs: 3000,
        stdoutFile: join(req.agentDir, 'stdout.log'),
        stderrFile: join(req.agentDir, 'stderr.log'),
        onStdoutLine: reader ? (line) => reader.line(line) : undefined,
        signal: req.signal,
        sandbox: req.sandbox,
      }).finally(() => {
        // The secret must not stay in the results directory.
        if (creds) rmSync(creds, { force: true });
      });
      const out = reader ? reader.output() : parseJsonOutput(proc.stdout);
      const versionLine = await version;
      const result = toResult(proc, out, model, bin, versionLine);
      if (out.init) writeJsonAtomic(join(req.agentDir, 'init.json'), out.init);
      const rec: CommandRecord = {
        bin,
        args,
        promptIndex: 0,
        cwd: req.workspace,
        env,
        startedAt,
        exitCode: proc.exitCode,
        durationMs: proc.durationMs,
      };
      writeCommandLog(req.agentDir, rec);
      writeReplayScript(req.agentDir, rec);
      writeModelFile(req.agentDir, {
        requestedModel: req.model,
        model,
        agent: 'claude-code',
        versionOutput: versionLine,
        flags: args.slice(1),
        isolation: {
          CLAUDE_CONFIG_DIR: req.configDir,
          HOME: home,
          CLAUDE_CODE_TMPDIR: tmp,
          'environment (allow-listed names)': Object.keys(env).sort().join(', '),
          ...claudeIsolationNotes(req.workspace, req.useUserAuth === true),
          ...describeAgentConfig(req),
          'MCP servers': req.mcpConfigFile
            ? `only ${req.mcpConfigFile} (--strict-mcp-config)`
            : 'none (--strict-mcp-config)',
        },
      });
      writeJsonAtomic(join(req.agentDir, AGENT_RESULT_FILE), result);
      return result;
    },
  };
}
