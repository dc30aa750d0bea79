// Which executable an agent adapter runs, and the check that it exists before anything starts.
import { fileURLToPath } from 'node:url';
import { AgentError } from '../errors.js';
import { findExecutable } from '../util/which.js';

/** How to fix a missing Claude Code binary. */
export const CLAUDE_BIN_HINT =
  'install the Claude Code CLI (npm package @anthropic-ai/claude-code), or name it with --agent-bin or SCYLLA_CLAUDE_BIN';

/** How to fix a missing Codex binary. */
export const CODEX_BIN_HINT =
  'install the Codex CLI (npm package @openai/codex), or name it with --agent-bin or SCYLLA_CODEX_BIN';

/** `node_modules/.bin` of the Scylla package itself (src/agent or dist/agent → two levels up). */
const OWN_BIN_DIR = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));

/**
 * The default binary of an agent CLI: `name` when it is on PATH, else the copy installed next to
 * Scylla (a checkout's `npm ci` installs the Claude Code and Codex CLIs), else `name` (which then
 * fails the pre-flight check with a clear message).
 */
export function defaultAgentBin(name: string, env: NodeJS.ProcessEnv): string {
  if (findExecutable(name, env) !== null) return name;
  const own = OWN_BIN_DIR + name;
  return findExecutable(own, env) !== null ? own : name;
}

/** Throw an AgentError, saying how to fix it, when `bin` cannot be run at all. */
export function assertRunnable(bin: string, env: NodeJS.ProcessEnv, hint: string): void {
  if (findExecutable(bin, env) !== null) return;
  const where = bin.includes('/') ? `${bin} is not an executable file` : `"${bin}" is not on PATH`;
  throw new AgentError(`cannot start the agent: ${where} (${hint})`);
}
