// The Claude Code adapter: runs `claude --print` headless and isolated, reads its json / stream-json output.
import { rmSync } from 'node:fs';
import { resolveModelAlias } from '../config/model-aliases.js';
import { retryLimitKind, type ApiRetry } from '../ratelimit/detect.js';
import type { ProcessResult } from '../util/process.js';
import type { AdapterOptions, AgentAdapter, AgentRunRequest } from './adapter.js';
import { CLAUDE_BIN } from './agent-bin.js';
import {
  CLAUDE_ENV_ALLOW,
  buildClaudeArgs,
  buildClaudeEnv,
  describeAgentConfig,
  isolatedPaths,
} from './claude-args.js';
import { StreamJsonReader, parseJsonOutput, type ClaudeOutput } from './claude-output.js';
import { classifyRun } from './classify.js';
import { claudeIsolationNotes, copyUserCredentials } from './isolation.js';
import { anthropicProbe } from './model-probe.js';
import { runCost } from './pricing.js';
import { processAdapter, type AgentProcessSpec, type AgentReport } from './run-agent-process.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The report on a finished run: the CLI's own cost total when it reports one, else the price table. */
function claudeReport(proc: ProcessResult, out: ClaudeOutput, model: string): AgentReport {
  const total = out.result?.total_cost_usd;
  return {
    verdict: classifyRun(proc, out),
    resultText: out.result?.result ?? out.lastText,
    usage: out.usage,
    numTurns: out.numTurns,
    cost: runCost(
      str(out.init?.model) ?? model,
      out.usage,
      total !== undefined && total > 0 ? total : undefined,
    ),
    sessionId: out.result?.session_id ?? str(out.init?.session_id),
    cliVersion: str(out.init?.claude_code_version),
    artefacts: out.init ? { 'init.json': out.init } : undefined,
  };
}

/** Tell the harness about a rate limit the CLI is retrying by itself (it goes on with the run). */
function reportRetry(req: AgentRunRequest, r: ApiRetry): void {
  const kind = retryLimitKind(r);
  if (!kind || !req.onRateLimitRetry) return;
  const what = r.errorStatus ?? r.error ?? kind;
  const wait = r.retryDelayMs === null ? '' : ` in ${(r.retryDelayMs / 1000).toFixed(1)} s`;
  req.onRateLimitRetry({ kind, retryAfterMs: r.retryDelayMs, message: `agent got ${what}, retrying${wait}` });
}

/** Claude Code, headless. */
const CLAUDE_CODE: AgentProcessSpec = {
  name: 'claude-code',
  bin: CLAUDE_BIN,
  envAllow: CLAUDE_ENV_ALLOW,
  model: resolveModelAlias,
  probe: anthropicProbe,
  launch(req, { model }) {
    const { home, tmp } = isolatedPaths(req.configDir);
    const args = buildClaudeArgs(req, model);
    const env = buildClaudeEnv(req, process.getuid?.() === 0);
    const streaming = (req.outputFormat ?? 'stream-json') === 'stream-json';
    const reader = streaming ? new StreamJsonReader((r) => reportRetry(req, r)) : undefined;
    return {
      args,
      env,
      dirs: [req.configDir, home, tmp],
      promptArg: 0,
      killGraceMs: 3000,
      onStdoutLine: reader && ((line) => reader.line(line)),
      // --use-user-auth: the user's Claude login, copied read-only for this run only; the secret
      // must not stay in the results directory.
      prepare: () => {
        if (!req.useUserAuth) return;
        const creds = copyUserCredentials(req.configDir, req.baseEnv);
        return () => rmSync(creds, { force: true });
      },
      finish: (proc) => claudeReport(proc, reader ? reader.output() : parseJsonOutput(proc.stdout), model),
      modelFile: {
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
      },
    };
  },
};

/** The Claude Code adapter; `opts.bin` overrides the binary. */
export function createClaudeCodeAdapter(opts: AdapterOptions = {}): AgentAdapter {
  return processAdapter(CLAUDE_CODE, opts);
}
