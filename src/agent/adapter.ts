// The AgentAdapter interface: what the engine asks of any coding agent (Claude Code, a generic command, ...).
import { existsSync } from 'node:fs';
import { AgentError } from '../errors.js';
import type { ModelProbe } from './model-probe.js';
import type { AgentResult } from './result.js';
import type { CommandWrapper } from '../util/process.js';

export type { AgentOutcome } from '../outcomes.js';
export type { AgentResult, AgentUsage } from './result.js';

/** Which tools the agent gets. `none` sends no tools; `list` exactly `names`; `all` the agent's default. */
export interface ToolSelection {
  mode: 'all' | 'none' | 'list';
  names: string[];
}

/** One agent run. */
export interface AgentRunRequest {
  /** The working directory the agent works in (the run's git worktree). */
  workspace: string;
  /** The full task prompt. */
  prompt: string;
  /** Model id or alias (`sonnet-4-5`, `claude-sonnet-4-5-20250929`, ...). */
  model: string;
  /** Kill the agent (its whole process group) after this long. */
  timeoutMs: number;
  /** Artefact directory of the run (`run_NN/agent`). */
  agentDir: string;
  /** Per-run agent config directory (CLAUDE_CONFIG_DIR), created by the adapter. */
  configDir: string;
  /** Where provider keys and base URLs are read from; nothing else of it is passed on. */
  baseEnv: NodeJS.ProcessEnv;
  /** Appended to the agent's argv as is. */
  extraArgs?: string[];
  maxTurns?: number;
  tools?: ToolSelection | null;
  /** `none` sends an empty system prompt; `default` / `custom` leave the agent's own. */
  systemPromptMode?: 'none' | 'default' | 'custom';
  /** Run as this named sub-agent (`--agent`). */
  mainAgent?: string;
  /** MCP servers file; without it no MCP config is loaded at all. */
  mcpConfigFile?: string;
  thinking?: 'off' | 'low' | 'high' | 'max';
  /** Claude Code's experimental agent teams (`CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1`). */
  agentTeams?: boolean;
  /** Aborting kills the agent; the result is then `interrupted`. */
  signal?: AbortSignal;
  /**
   * Called when the agent hits a rate limit and retries it itself (the run goes on), so the harness
   * can pause every other worker at once. `retryAfterMs` is the agent's own wait, when it says.
   */
  onRateLimitRetry?: (r: AgentRateLimitRetry) => void;
  outputFormat?: 'stream-json' | 'json';
  /**
   * `--use-user-auth`: authenticate with the user's own login (`~/.claude/.credentials.json`, copied
   * read-only into `configDir` for the run) instead of an API key from the environment.
   */
  useUserAuth?: boolean;
  /** Told the agent process's pid once it started (recorded so a resume can end a leftover). */
  onSpawn?: (pid: number) => void;
  /** Start the agent inside this sandbox (everything it starts stays inside); none when absent. */
  sandbox?: CommandWrapper;
}

/** A coding agent Scylla can run. Implementations never throw for the agent's own failures. */
export interface AgentAdapter {
  readonly name: string;
  /** Run the agent once; writes its artefacts into `req.agentDir`, including `result.json`. */
  run(req: AgentRunRequest): Promise<AgentResult>;
  /** The agent's version string ("unknown" when it cannot be determined). */
  version(env: NodeJS.ProcessEnv): Promise<string>;
  /** Throw an AgentError saying what to fix when the agent cannot be started at all (e.g. no binary). */
  preflight(env: NodeJS.ProcessEnv): void;
  /**
   * The check of the model a run of `requested` would use (alias resolved the agent's way): one tiny
   * request to the agent's provider with the keys of `env`, or why it cannot be checked from here.
   */
  probeModel(requested: string, env: NodeJS.ProcessEnv): ModelProbe;
}

/** A rate limit the agent retries by itself (see `AgentRunRequest.onRateLimitRetry`). */
export interface AgentRateLimitRetry {
  kind: 'rate_limit' | 'overloaded';
  retryAfterMs: number | null;
  message: string;
}

/** Options every adapter factory accepts. */
export interface AdapterOptions {
  /** The agent executable (path or name on PATH). */
  bin?: string;
}

/** Pre-flight check every adapter makes before starting anything (spec §4.3). */
export function checkRunRequest(req: Pick<AgentRunRequest, 'timeoutMs' | 'workspace'>): void {
  if (!(req.timeoutMs > 0)) throw new AgentError(`agent timeout must be positive, got ${req.timeoutMs}`);
  if (!existsSync(req.workspace)) throw new AgentError(`workspace ${req.workspace} does not exist`);
}
