// Well-known MCP servers by name (the original's T2 matrix) and how a subtest's server entry becomes a command.
/** A stdio MCP server command. */
export interface McpCommand {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Commands of the MCP servers the original fixtures name. A `mcp/<name>.json` in the resource
 * library overrides an entry here; a subtest's own `command` overrides both. Servers that need a
 * secret (github) or a database URL (postgres) read it from the agent's environment at run time.
 */
export const WELL_KNOWN_MCP: Readonly<Record<string, McpCommand>> = {
  filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'] },
  memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
  'sequential-thinking': { command: 'npx', args: ['-y', '@modelcontextprotocol/server-sequential-thinking'] },
  everything: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] },
  github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] },
  postgres: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres'] },
  playwright: { command: 'npx', args: ['-y', '@playwright/mcp'] },
  git: { command: 'uvx', args: ['mcp-server-git'] },
  fetch: { command: 'uvx', args: ['mcp-server-fetch'] },
  time: { command: 'uvx', args: ['mcp-server-time'] },
};

/** Where a server's command came from (shown by `scylla validate`). */
export type McpCommandOrigin = 'subtest' | 'library' | 'registry' | 'source';

/** The subtest's view of one server (`mcp_servers` entry). */
export interface McpServerRequest {
  name: string;
  source?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * The command for a server: the subtest's own `command`; else the library's `mcp/<name>.json`;
 * else the registry table; else, for an entry with a `source` (the original's package scope),
 * `npx -y @<source>/<name>`. Null when none applies.
 */
export function mcpCommandFor(
  spec: McpServerRequest,
  libraryEntry: McpCommand | undefined,
): (McpCommand & { origin: McpCommandOrigin }) | null {
  if (spec.command) return { command: spec.command, args: spec.args, env: spec.env, origin: 'subtest' };
  const base: McpCommand | undefined = libraryEntry ?? WELL_KNOWN_MCP[spec.name];
  if (base)
    return {
      command: base.command,
      args: spec.args ?? base.args,
      env: spec.env || base.env ? { ...base.env, ...spec.env } : undefined,
      origin: libraryEntry ? 'library' : 'registry',
    };
  if (spec.source) {
    const scope = spec.source.replace(/^@/, '');
    return { command: 'npx', args: ['-y', `@${scope}/${spec.name}`], env: spec.env, origin: 'source' };
  }
  return null;
}
