// Agent adapters by name: the one place that knows every implementation (`--agent claude-code|codex|command`).
import type { AdapterOptions, AgentAdapter } from './adapter.js';
import { createClaudeCodeAdapter } from './claude-code.js';
import { createCodexAdapter } from './codex.js';
import { createCommandAdapter } from './command-adapter.js';

/** Makes an adapter; `bin` overrides the executable. */
export type AgentAdapterFactory = (opts?: AdapterOptions) => AgentAdapter;

/** Every agent Scylla can run, by the name used in configs and on the command line. */
export const agentAdapters: Readonly<Record<string, AgentAdapterFactory>> = {
  'claude-code': createClaudeCodeAdapter,
  codex: createCodexAdapter,
  command: createCommandAdapter,
};
