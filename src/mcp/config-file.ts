// The MCP configuration file a run's agent loads with `--mcp-config FILE --strict-mcp-config`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ResolvedMcpServer } from '../fixture/resolved-config.js';
import { writeJsonAtomic } from '../util/atomic-write.js';

/** Name of the generated file inside a run's `agent/` directory. */
export const MCP_CONFIG_FILE = 'mcp-config.json';

/** One stdio server as Claude Code reads it. */
export interface McpStdioEntry {
  type: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The file content: `{ "mcpServers": { "<name>": { type, command, args, env } } }`, names sorted. */
export function mcpConfigJson(servers: readonly ResolvedMcpServer[]): {
  mcpServers: Record<string, McpStdioEntry>;
} {
  const mcpServers: Record<string, McpStdioEntry> = {};
  for (const s of [...servers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!s.command)
      throw new ConfigError(
        `MCP server '${s.name}' has no command (give one in the subtest, or add mcp/${s.name}.json to the resource library)`,
        { field: 'mcp_servers' },
      );
    mcpServers[s.name] = { type: 'stdio', command: s.command, args: s.args ?? [], env: s.env ?? {} };
  }
  return { mcpServers };
}

/**
 * Write `<agentDir>/mcp-config.json` for the servers (atomically) and return its path, or undefined
 * when there are none: then the agent runs with `--strict-mcp-config` alone and loads no server.
 * With `onlyIfMissing` an existing file is kept (it was written, and checked, by the config stage).
 */
export function writeMcpConfig(
  agentDir: string,
  servers: readonly ResolvedMcpServer[],
  opts: { onlyIfMissing?: boolean } = {},
): string | undefined {
  if (!servers.length) return undefined;
  const file = join(agentDir, MCP_CONFIG_FILE);
  if (opts.onlyIfMissing && existsSync(file)) return file;
  writeJsonAtomic(file, mcpConfigJson(servers));
  return file;
}
