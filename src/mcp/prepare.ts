// MCP for one run: write the agent's MCP config into its agent dir and check every server starts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_ENV_ALLOW, isolatedPaths } from '../agent/claude-args.js';
import type { ResolvedMcpServer } from '../fixture/resolved-config.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { buildChildEnv } from '../util/env.js';
import type { CommandWrapper } from '../util/process.js';
import { writeMcpConfig } from './config-file.js';
import { assertMcpChecks, checkMcpServers, type McpCheck } from './handshake.js';

/** Name of the handshake record inside a run's `agent/` directory. */
export const MCP_CHECK_FILE = 'mcp-check.json';

export interface PrepareMcpOptions {
  /** The run's `agent/` directory. */
  agentDir: string;
  /** The run's worktree (the servers' working directory). */
  workspace: string;
  /** The parent environment the agent's is built from. */
  baseEnv: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The run's sandbox (the servers' handshakes run inside it). */
  sandbox?: CommandWrapper;
}

/**
 * Write `agent/mcp-config.json`, start each server with the environment the agent will give it
 * (allow-listed variables, the run's isolated HOME, the server's own env), record the handshakes
 * in `agent/mcp-check.json`, and throw an AgentError when one failed. No servers: nothing happens.
 */
export async function prepareMcp(
  servers: readonly ResolvedMcpServer[],
  opts: PrepareMcpOptions,
): Promise<{ configFile?: string; checks: McpCheck[] }> {
  const configFile = writeMcpConfig(opts.agentDir, servers);
  if (!configFile) return { checks: [] };
  const { home } = isolatedPaths(join(opts.agentDir, 'config'));
  mkdirSync(home, { recursive: true });
  const env = buildChildEnv(opts.baseEnv, CLAUDE_ENV_ALLOW, { HOME: home });
  const checks = await checkMcpServers(servers, {
    cwd: opts.workspace,
    env,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    sandbox: opts.sandbox,
  });
  writeJsonAtomic(join(opts.agentDir, MCP_CHECK_FILE), {
    checked_at: new Date().toISOString(),
    servers: checks,
  });
  assertMcpChecks(checks);
  return { configFile, checks };
}
