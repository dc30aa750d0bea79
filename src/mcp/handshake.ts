// Pre-run check of MCP servers: start each one and complete an initialize + tools/list handshake.
// Claude Code skips a server that fails to start without a word, so a broken server would silently
// turn an MCP subtest into a no-MCP one; this check makes it an infrastructure failure instead.
import { AgentError } from '../errors.js';
import type { ResolvedMcpServer } from '../fixture/resolved-config.js';
import { runProcess, type CommandWrapper } from '../util/process.js';

/** What a server offered. */
export interface McpCheck {
  name: string;
  ok: boolean;
  /** Tool names from tools/list (as the agent sees them: `mcp__<server>__<tool>`). */
  tools: string[];
  durationMs: number;
  /** Why it failed, with the tail of its stderr. */
  error?: string;
}

/** Options of a handshake. */
export interface McpCheckOptions {
  /** Working directory of the server (the agent's workspace). */
  cwd: string;
  /** The environment the agent would give the server (the server's own `env` is added on top). */
  env: NodeJS.ProcessEnv;
  /** Per server; default 60 s (an `npx -y` server may install itself on first start). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The servers start inside the run's sandbox, as they will under the agent. */
  sandbox?: CommandWrapper;
}

const PROTOCOL_VERSION = '2025-06-18';

/** The three messages of the handshake, newline-delimited JSON-RPC. */
function handshakeInput(): string {
  return (
    [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'scylla', version: '0' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n') + '\n'
  );
}

/** Start one server and ask for its tools. Never throws: failures are in the result. */
export async function checkMcpServer(server: ResolvedMcpServer, opts: McpCheckOptions): Promise<McpCheck> {
  const started = Date.now();
  const fail = (error: string): McpCheck => ({
    name: server.name,
    ok: false,
    tools: [],
    durationMs: Date.now() - started,
    error,
  });
  if (!server.command) return fail('no command configured');
  const done = new AbortController();
  // Filled by the stdout callback (an object, so control-flow narrowing does not assume null).
  const got: { tools: string[] | null; error: string | null } = { tools: null, error: null };
  const proc = await runProcess({
    cmd: server.command,
    args: server.args ?? [],
    cwd: opts.cwd,
    env: { ...opts.env, ...server.env },
    input: handshakeInput(),
    timeoutMs: opts.timeoutMs ?? 60_000,
    killGraceMs: 1000,
    maxBufferBytes: 1024 * 1024,
    sandbox: opts.sandbox,
    signal: opts.signal ? AbortSignal.any([opts.signal, done.signal]) : done.signal,
    onStdoutLine: (line) => {
      let msg: { id?: unknown; result?: { tools?: { name?: unknown }[] }; error?: { message?: unknown } };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return; // servers may log to stdout before the protocol starts
      }
      if (msg.id !== 2) return;
      if (msg.error) got.error = typeof msg.error.message === 'string' ? msg.error.message : 'error';
      else
        got.tools = (msg.result?.tools ?? []).map((t) => `mcp__${server.name}__${String(t.name as string)}`);
      done.abort();
    },
  });
  const stderr = proc.stderr.trim().split('\n').slice(-5).join('\n');
  const detail = stderr ? `; stderr: ${stderr}` : '';
  if (got.tools) return { name: server.name, ok: true, tools: got.tools, durationMs: Date.now() - started };
  if (got.error) return fail(`tools/list failed: ${got.error}${detail}`);
  if (proc.spawnError) return fail(`could not start '${server.command}': ${proc.spawnError}`);
  if (proc.timedOut)
    return fail(`no tools/list answer within ${(opts.timeoutMs ?? 60_000) / 1000} s${detail}`);
  if (proc.aborted) return fail('interrupted');
  return fail(`exited (${proc.signal ?? `code ${proc.exitCode}`}) without answering tools/list${detail}`);
}

/** Check every server, one after another. Never throws: see `assertMcpChecks`. */
export async function checkMcpServers(
  servers: readonly ResolvedMcpServer[],
  opts: McpCheckOptions,
): Promise<McpCheck[]> {
  const checks: McpCheck[] = [];
  for (const s of servers) checks.push(await checkMcpServer(s, opts));
  return checks;
}

/** Throw when any check failed. */
export function assertMcpChecks(checks: readonly McpCheck[]): void {
  const bad = checks.filter((c) => !c.ok);
  if (bad.length)
    throw new AgentError(
      `MCP server${bad.length > 1 ? 's' : ''} failed the pre-run check: ` +
        bad.map((c) => `${c.name}: ${c.error}`).join('; '),
    );
}
