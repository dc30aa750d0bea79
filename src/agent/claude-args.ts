// The Claude Code command line and environment for one run (prompt first: variadic flags swallow a trailing one).
import { join } from 'node:path';
import { buildChildEnv, PROXY_ENV_ALLOW, SHELL_ENV_ALLOW } from '../util/env.js';
import type { AgentRunRequest } from './adapter.js';

/** Variables of the parent environment a Claude Code child may see: basics, provider credentials, proxies. */
export const CLAUDE_ENV_ALLOW: readonly string[] = [
  ...SHELL_ENV_ALLOW,
  ...PROXY_ENV_ALLOW,
  'TMPDIR',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'ANTHROPIC_VERTEX_BASE_URL',
  'ANTHROPIC_VERTEX_PROJECT_ID',
  'CLOUD_ML_REGION',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'AWS_*',
  'GOOGLE_*',
];

/** Keeps a Claude Code child quiet: no telemetry, update checks or error reports, only its model API. */
export const CLAUDE_QUIET_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
};

/** Thinking budget per level (`off` disables thinking instead). */
const THINKING_TOKENS = { low: '4000', high: '16000', max: '31999' } as const;

/** Where the isolated HOME and temp dir of a run live, inside its config dir. */
export const isolatedPaths = (configDir: string) => ({
  home: join(configDir, 'home'),
  tmp: join(configDir, 'tmp'),
});

/** argv after the binary. `model` is the resolved model id. */
export function buildClaudeArgs(req: AgentRunRequest, model: string): string[] {
  const args = [req.prompt, '--print', '--output-format', req.outputFormat ?? 'stream-json'];
  if ((req.outputFormat ?? 'stream-json') === 'stream-json') args.push('--verbose');
  args.push('--dangerously-skip-permissions', '--model', model);
  if (req.maxTurns !== undefined) args.push('--max-turns', String(req.maxTurns));
  if (req.tools?.mode === 'none') args.push('--tools', '');
  else if (req.tools?.mode === 'list') args.push('--tools', req.tools.names.join(','));
  if (req.systemPromptMode === 'none') args.push('--system-prompt', '');
  if (req.mainAgent) args.push('--agent', req.mainAgent);
  // Strict even without a file, so a stray .mcp.json in the task repo never loads.
  if (req.mcpConfigFile) args.push('--mcp-config', req.mcpConfigFile);
  args.push('--strict-mcp-config');
  args.push(...(req.extraArgs ?? []));
  return args;
}

/** The complete child environment: allow-listed parent variables plus isolation and quiet settings. */
export function buildClaudeEnv(req: AgentRunRequest, isRoot: boolean): NodeJS.ProcessEnv {
  const { home, tmp } = isolatedPaths(req.configDir);
  const thinking = req.thinking;
  return buildChildEnv(req.baseEnv, CLAUDE_ENV_ALLOW, {
    HOME: home,
    CLAUDE_CONFIG_DIR: req.configDir,
    CLAUDE_CODE_TMPDIR: tmp,
    ...CLAUDE_QUIET_ENV,
    // A harness that pauses every worker on a limit wants the CLI to give up early, not wait minutes.
    CLAUDE_CODE_MAX_RETRIES: req.baseEnv.SCYLLA_AGENT_MAX_RETRIES ?? '1',
    // As root the CLI refuses --dangerously-skip-permissions unless IS_SANDBOX is exactly "1".
    IS_SANDBOX: isRoot ? '1' : undefined,
    // 2.1.197 connects MCP servers without waiting by default: a slow-starting server's tools were
    // missing from the first request on a loaded machine. Wait for them.
    MCP_CONNECTION_NONBLOCKING: req.mcpConfigFile ? '0' : undefined,
    CLAUDE_CODE_DISABLE_THINKING: thinking === 'off' ? '1' : undefined,
    MAX_THINKING_TOKENS: thinking && thinking !== 'off' ? THINKING_TOKENS[thinking] : undefined,
    // The original set it in .claude/settings.json `env`; the process environment is the same switch.
    CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS: req.agentTeams ? '1' : undefined,
    // --use-user-auth: the copied credential file must win over any key in the environment.
    ...(req.useUserAuth ? { ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: undefined } : {}),
  });
}

/** The configuration a run's agent got, in words, for MODEL.md (next to the exact flags). */
export function describeAgentConfig(req: AgentRunRequest): Record<string, string> {
  const tools = req.tools;
  return {
    'Built-in tools':
      !tools || tools.mode === 'all'
        ? 'all (no --tools)'
        : tools.mode === 'none'
          ? 'none (--tools "")'
          : `${tools.names.join(', ')} (--tools)`,
    'System prompt': req.systemPromptMode === 'none' ? 'empty (--system-prompt "")' : "the CLI's default",
    'Main agent': req.mainAgent ? `${req.mainAgent} (--agent; its body replaces the system prompt)` : 'none',
    'MCP servers': req.mcpConfigFile
      ? `only those in ${req.mcpConfigFile} (--strict-mcp-config)`
      : 'none (--strict-mcp-config)',
    Thinking:
      req.thinking === 'off'
        ? 'off (CLAUDE_CODE_DISABLE_THINKING=1)'
        : req.thinking
          ? `${req.thinking} (MAX_THINKING_TOKENS=${THINKING_TOKENS[req.thinking]})`
          : "the CLI's default",
    ...(req.agentTeams ? { 'Agent teams': 'on (CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1)' } : {}),
  };
}
