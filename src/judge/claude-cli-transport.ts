// Judge transport through the Claude Code CLI, for users who only have CLI authentication: the
// context goes on stdin (never argv: length limits, defect 11), the judge prompt replaces the system
// prompt, and `--tools ""` removes every tool (`--allowedTools ""` does not). The CLI runs in an
// empty directory with its own config dir, so nothing of the user's or the repo's setup leaks in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentBin, CLAUDE_BIN } from '../agent/agent-bin.js';
import { CLAUDE_ENV_ALLOW, CLAUDE_QUIET_ENV } from '../agent/claude-args.js';
import { parseJsonOutput } from '../agent/claude-output.js';
import { anthropicProbe } from '../agent/model-probe.js';
import { InterruptedError, JudgeError, RateLimitError } from '../errors.js';
import { detectRateLimit } from '../ratelimit/detect.js';
import { buildChildEnv } from '../util/env.js';
import { runProcess } from '../util/process.js';
import type { JudgeRequest, JudgeResponse, JudgeTransport, TransportOptions } from './transport.js';

/** Options: `bin` overrides the executable (default SCYLLA_CLAUDE_BIN, else `claude` as for the agent). */
export interface CliTransportOptions extends TransportOptions {
  bin?: string;
}

export function createClaudeCliTransport(opts: CliTransportOptions = {}): JudgeTransport {
  const env = opts.env ?? process.env;
  const bin = agentBin(CLAUDE_BIN, opts.bin, env);
  const keys = {
    ...(opts.apiKey ? { ANTHROPIC_API_KEY: opts.apiKey } : {}),
    ...(opts.baseUrl ? { ANTHROPIC_BASE_URL: opts.baseUrl } : {}),
  };
  return {
    name: 'claude-cli',
    // A CLI call would cost a whole agent run: the model is checked on the Messages API instead.
    probeModel: (model) => anthropicProbe(model, { ...env, ...keys }),
    async complete(req: JudgeRequest): Promise<JudgeResponse> {
      const dir = mkdtempSync(join(tmpdir(), 'scylla-judge-'));
      try {
        const childEnv = buildChildEnv(env, CLAUDE_ENV_ALLOW, {
          HOME: dir,
          CLAUDE_CONFIG_DIR: join(dir, 'config'),
          CLAUDE_CODE_TMPDIR: join(dir, 'tmp'),
          ...CLAUDE_QUIET_ENV,
          CLAUDE_CODE_MAX_RETRIES: env.SCYLLA_AGENT_MAX_RETRIES ?? '1',
          ...keys,
        });
        const args = [
          '--print',
          '--output-format',
          'json',
          '--model',
          req.model,
          '--system-prompt',
          req.system,
          '--tools',
          '',
        ];
        const proc = await runProcess({
          cmd: bin,
          args,
          cwd: dir,
          env: childEnv,
          input: req.user,
          timeoutMs: req.timeoutMs,
          signal: req.signal,
          sandbox: opts.sandbox,
        });
        if (proc.aborted) throw new InterruptedError('judge call interrupted');
        if (proc.spawnError) throw new JudgeError(`cannot start the judge CLI '${bin}': ${proc.spawnError}`);
        if (proc.timedOut) throw new JudgeError(`judge CLI call timed out after ${req.timeoutMs} ms`);
        const out = parseJsonOutput(proc.stdout);
        const result = out.result;
        const limit = detectRateLimit({
          exitCode: proc.exitCode,
          isError: result?.is_error === true,
          apiErrorStatus: typeof result?.api_error_status === 'number' ? result.api_error_status : null,
          resultText: typeof result?.result === 'string' ? result.result : proc.stdout,
          stderr: proc.stderr,
        });
        if (limit)
          throw new RateLimitError(`judge rate limited: ${limit.message}`, {
            retryAfterMs: limit.retryAfterMs,
            estimated: limit.estimated === true,
            source: 'judge',
            kind: limit.kind,
          });
        if (proc.exitCode !== 0 || !result || result.is_error === true || typeof result.result !== 'string')
          throw new JudgeError(
            `judge CLI failed (exit ${proc.exitCode}): ${String(result?.result ?? proc.stderr ?? proc.stdout).slice(0, 300)}`,
          );
        return {
          text: result.result,
          usage: {
            inputTokens: out.usage.inputTokens + out.usage.cacheReadTokens,
            outputTokens: out.usage.outputTokens,
          },
          model: req.model,
          durationMs: proc.durationMs,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
