// Which executable an agent adapter runs, and the check that it exists before anything starts.
import { join } from 'node:path';
import { AgentError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { findExecutable } from '../util/which.js';

/** Where an agent's executable comes from: `--agent-bin`, else `envVar`, else `name` (defaultAgentBin). */
export interface AgentBinSource {
  /** The variable that names the executable (`SCYLLA_CLAUDE_BIN`). */
  envVar: string;
  /** The default executable; without one the user must name it. */
  name?: string;
  /** What to install when it is missing (for the hint). */
  install?: string;
}

export const CLAUDE_BIN: AgentBinSource = {
  envVar: 'SCYLLA_CLAUDE_BIN',
  name: 'claude',
  install: 'the Claude Code CLI (npm package @anthropic-ai/claude-code)',
};

export const CODEX_BIN: AgentBinSource = {
  envVar: 'SCYLLA_CODEX_BIN',
  name: 'codex',
  install: 'the Codex CLI (npm package @openai/codex)',
};

/** The generic command agent has no default: the user names it. */
export const COMMAND_BIN: AgentBinSource = { envVar: 'SCYLLA_AGENT_BIN' };

/** How to fix an executable that cannot be run. */
export function binHint(src: AgentBinSource): string {
  const name = `name it with --agent-bin or ${src.envVar}`;
  return src.install ? `install ${src.install}, or ${name}` : name;
}

/** The executable: `given` (`--agent-bin`), else `env[envVar]`, else the default; an AgentError when none. */
export function agentBin(src: AgentBinSource, given: string | undefined, env: NodeJS.ProcessEnv): string {
  const bin =
    given ?? env[src.envVar] ?? (src.name === undefined ? undefined : defaultAgentBin(src.name, env));
  if (!bin) throw new AgentError(`the agent needs an executable: set --agent-bin or ${src.envVar}`);
  return bin;
}

/** `node_modules/.bin` of the Scylla package itself. */
const OWN_BIN_DIR = join(PACKAGE_ROOT, 'node_modules', '.bin');

/**
 * The default binary of an agent CLI: `name` when it is on PATH, else the copy installed next to
 * Scylla (a checkout's `npm ci` installs the Claude Code and Codex CLIs), else `name` (which then
 * fails the pre-flight check with a clear message).
 */
export function defaultAgentBin(name: string, env: NodeJS.ProcessEnv): string {
  if (findExecutable(name, env) !== null) return name;
  const own = join(OWN_BIN_DIR, name);
  return findExecutable(own, env) !== null ? own : name;
}

/** Throw an AgentError, saying how to fix it, when `bin` cannot be run at all. */
export function assertRunnable(bin: string, env: NodeJS.ProcessEnv, hint: string): void {
  if (findExecutable(bin, env) !== null) return;
  const where = bin.includes('/') ? `${bin} is not an executable file` : `"${bin}" is not on PATH`;
  throw new AgentError(`cannot start the agent: ${where} (${hint})`);
}
