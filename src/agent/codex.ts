// The OpenAI Codex CLI adapter: runs `codex exec --json` headless, offline-safe and isolated, parses its
// events, writes the same artefacts as the Claude Code adapter.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { buildChildEnv } from '../util/env.js';
import { runProcess } from '../util/process.js';
import { assertRunnable, CODEX_BIN_HINT, defaultAgentBin } from './agent-bin.js';
import { checkRunRequest, type AdapterOptions, type AgentAdapter, type AgentRunRequest } from './adapter.js';
import { classifyCodexRun } from './codex-classify.js';
import {
  CODEX_DEFAULT_MODEL,
  CODEX_ENV_ALLOW,
  buildCodexArgs,
  buildCodexEnv,
  codexBaseUrl,
  codexConfigToml,
  codexPaths,
} from './codex-args.js';
import { CodexStreamReader } from './codex-output.js';
import { costFor } from './pricing.js';
import { writeCommandLog, writeModelFile, writePromptFile, writeReplayScript } from './provenance.js';
import { AGENT_RESULT_FILE, type AgentResult } from './result.js';
import { agentVersion, versionNumber } from './version.js';

/** The binary to run: the factory option, else SCYLLA_CODEX_BIN, else `codex` (see defaultAgentBin). */
export function codexBin(opts: AdapterOptions, env: NodeJS.ProcessEnv): string {
  return opts.bin ?? env.SCYLLA_CODEX_BIN ?? defaultAgentBin('codex', env);
}

/** Claude aliases mean nothing to Codex: a Claude model (the experiment default) falls back to ours. */
export function codexModel(requested: string): string {
  const m = requested.trim();
  return m === '' || /^(?:claude|sonnet|opus|haiku)\b/i.test(m) ? CODEX_DEFAULT_MODEL : m;
}

/** `codex exec` hangs forever when stdin is an open pipe: the replayed command reads /dev/null. */
function closeStdinInReplay(agentDir: string): void {
  const file = join(agentDir, 'replay.sh');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  lines[lines.length - 1] += ' < /dev/null';
  writeFileAtomic(file, `${lines.join('\n')}\n`, 0o755);
}

/** OpenAI Codex CLI, headless. `opts.bin` overrides the binary. */
export function createCodexAdapter(opts: AdapterOptions = {}): AgentAdapter {
  return {
    name: 'codex',
    version: (env) =>
      agentVersion(codexBin(opts, env), buildChildEnv(env, CODEX_ENV_ALLOW, { HOME: tmpdir() })),
    preflight: (env) => assertRunnable(codexBin(opts, env), env, CODEX_BIN_HINT),
    async run(req: AgentRunRequest): Promise<AgentResult> {
      checkRunRequest(req);
      const bin = codexBin(opts, req.baseEnv);
      const model = codexModel(req.model);
      const { codexHome, home, tmp } = codexPaths(req.configDir);
      for (const d of [req.agentDir, codexHome, home, tmp]) mkdirSync(d, { recursive: true });
      // CODEX_HOME must exist before Codex starts; config.toml holds no secret (only the key's variable name).
      writeFileAtomic(join(codexHome, 'config.toml'), codexConfigToml(model, req.baseEnv));
      const args = buildCodexArgs(req);
      const env = buildCodexEnv(req);
      writePromptFile(req.agentDir, req.prompt);
      const version = agentVersion(bin, env);
      // Codex waits forever for a server it cannot connect to: stop it at once (infra_failed, redone on resume).
      const unreachable = new AbortController();
      const reader = new CodexStreamReader(() => unreachable.abort());
      const signal = req.signal ? AbortSignal.any([req.signal, unreachable.signal]) : unreachable.signal;
      const startedAt = new Date();
      // Own process group (runProcess): the Node wrapper spawns the native binary and orphans it on SIGKILL.
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
        onStdoutLine: (line) => reader.line(line),
        signal,
        sandbox: req.sandbox,
      });
      const out = reader.output();
      const versionLine = await version;
      const verdict = classifyCodexRun(proc, out, bin, req.signal?.aborted === true);
      const cost = costFor(model, out.usage);
      const result: AgentResult = {
        failure: verdict.failure,
        exitCode: proc.exitCode,
        durationMs: proc.durationMs,
        resultText: out.lastMessage,
        usage: out.usage,
        numTurns: out.numActions,
        ...(cost === null
          ? { costUsd: 0, costSource: 'none' as const }
          : { costUsd: cost, costSource: 'price_table' as const }),
        isError: verdict.isError,
      };
      if (verdict.rateLimit) result.rateLimit = verdict.rateLimit;
      if (verdict.errorMessage) result.errorMessage = verdict.errorMessage;
      if (out.threadId) result.sessionId = out.threadId;
      const cliVersion = versionNumber(versionLine);
      if (cliVersion) result.cliVersion = cliVersion;
      const rec = {
        bin,
        args,
        promptIndex: args.length - 1,
        cwd: req.workspace,
        env,
        startedAt,
        exitCode: proc.exitCode,
        durationMs: proc.durationMs,
      };
      writeCommandLog(req.agentDir, rec);
      writeReplayScript(req.agentDir, rec);
      closeStdinInReplay(req.agentDir);
      writeModelFile(req.agentDir, {
        requestedModel: req.model,
        model,
        agent: 'codex',
        versionOutput: versionLine,
        flags: args.slice(0, -2),
        isolation: {
          CODEX_HOME: `${codexHome} (config.toml written for this run; --ephemeral: no sessions kept)`,
          HOME: home,
          TMPDIR: tmp,
          'model provider': `${codexBaseUrl(req.baseEnv)} (Responses API; request and stream retries off)`,
          network: 'analytics, plugin sync and update check disabled',
          "user's ~/.codex": 'not read (CODEX_HOME is per run)',
          'environment (allow-listed names)': Object.keys(env).sort().join(', '),
        },
      });
      writeJsonAtomic(join(req.agentDir, AGENT_RESULT_FILE), result);
      return result;
    },
  };
}
