// The OpenAI Codex CLI adapter: runs `codex exec --json` headless, offline-safe and isolated, and reads
// its JSONL events.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { AdapterOptions, AgentAdapter } from './adapter.js';
import { CODEX_BIN } from './agent-bin.js';
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
import { httpProbe } from './model-probe.js';
import { runCost } from './pricing.js';
import { processAdapter, type AgentProcessSpec } from './run-agent-process.js';

/** Claude aliases mean nothing to Codex: a Claude model (the experiment default) falls back to ours. */
export function codexModel(requested: string): string {
  const m = requested.trim();
  return m === '' || /^(?:claude|sonnet|opus|haiku)\b/i.test(m) ? CODEX_DEFAULT_MODEL : m;
}

/** OpenAI Codex CLI, headless. */
const CODEX: AgentProcessSpec = {
  name: 'codex',
  bin: CODEX_BIN,
  envAllow: CODEX_ENV_ALLOW,
  model: codexModel,
  probe: (model, env) =>
    httpProbe(model, 'openai-responses', {
      url: `${codexBaseUrl(env)}/responses`,
      headers: env.OPENAI_API_KEY ? { authorization: `Bearer ${env.OPENAI_API_KEY}` } : {},
      body: { model, input: 'ping', max_output_tokens: 16, store: false },
    }),
  launch(req, { model }) {
    const { codexHome, home, tmp } = codexPaths(req.configDir);
    const args = buildCodexArgs(req);
    const env = buildCodexEnv(req);
    // Codex waits forever for a server it cannot reach: stop it at once (infra_failed, redone on resume).
    const unreachable = new AbortController();
    const reader = new CodexStreamReader(() => unreachable.abort());
    return {
      args,
      env,
      dirs: [codexHome, home, tmp],
      promptArg: args.length - 1,
      replayWithoutStdin: true,
      // Own process group (runProcess): the Node wrapper spawns the native binary and orphans it on SIGKILL.
      killGraceMs: 3000,
      onStdoutLine: (line) => reader.line(line),
      stop: unreachable.signal,
      // CODEX_HOME must hold config.toml before Codex starts (no secret in it: only the key's variable name).
      prepare: () => writeFileAtomic(join(codexHome, 'config.toml'), codexConfigToml(model, req.baseEnv)),
      finish: (proc) => {
        const out = reader.output();
        return {
          verdict: classifyCodexRun(proc, out, req.signal?.aborted === true),
          resultText: out.lastMessage,
          usage: out.usage,
          numTurns: out.numActions,
          cost: runCost(model, out.usage),
          sessionId: out.threadId,
        };
      },
      modelFile: {
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
      },
    };
  },
};

/** The Codex adapter; `opts.bin` overrides the binary. */
export function createCodexAdapter(opts: AdapterOptions = {}): AgentAdapter {
  return processAdapter(CODEX, opts);
}
