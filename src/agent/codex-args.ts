// The Codex CLI command line, environment and per-run CODEX_HOME/config.toml (offline-safe, no retries).
import { join } from 'node:path';
import { buildChildEnv, PROXY_ENV_ALLOW, SHELL_ENV_ALLOW } from '../util/env.js';
import type { AgentRunRequest } from './adapter.js';

/** Variables of the parent environment a Codex child may see: basics, the OpenAI key, proxies. */
export const CODEX_ENV_ALLOW: readonly string[] = [...SHELL_ENV_ALLOW, ...PROXY_ENV_ALLOW, 'OPENAI_API_KEY'];

/** Where the OpenAI API lives when neither SCYLLA_CODEX_BASE_URL nor OPENAI_BASE_URL says otherwise. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Name of the provider entry we declare (Codex ignores OPENAI_BASE_URL for its built-in provider). */
export const CODEX_PROVIDER = 'scylla';

/** The model Codex runs when the request names none we can use (a bundled, classic-tools model). */
export const CODEX_DEFAULT_MODEL = 'gpt-5.5';

/** Per-run directories: CODEX_HOME (config.toml, Codex's own state) and an isolated HOME. */
export const codexPaths = (configDir: string) => ({
  codexHome: join(configDir, 'codex-home'),
  home: join(configDir, 'home'),
  tmp: join(configDir, 'tmp'),
});

/** The Responses API base URL (ending in `/v1`; Codex appends `/responses`). */
export function codexBaseUrl(env: NodeJS.ProcessEnv): string {
  const base = (env.SCYLLA_CODEX_BASE_URL || env.OPENAI_BASE_URL || DEFAULT_OPENAI_BASE_URL).replace(
    /\/+$/,
    '',
  );
  return base.endsWith('/v1') ? base : `${base}/v1`;
}

const tomlString = (s: string): string => JSON.stringify(s);

/**
 * config.toml: our own provider entry (Responses wire API, no HTTP or stream retries: the harness
 * gate handles rate limits), the model pinned, and no analytics, plugin sync or update check, which
 * would otherwise reach the network.
 */
export function codexConfigToml(model: string, env: NodeJS.ProcessEnv): string {
  const retries = env.SCYLLA_AGENT_MAX_RETRIES ?? '0';
  return [
    '# Written by Scylla for one agent run.',
    `model = ${tomlString(model)}`,
    `model_provider = ${tomlString(CODEX_PROVIDER)}`,
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    `[model_providers.${CODEX_PROVIDER}]`,
    `name = ${tomlString(CODEX_PROVIDER)}`,
    `base_url = ${tomlString(codexBaseUrl(env))}`,
    // Without env_key no Authorization header is sent, which is right for a keyless local server.
    ...(env.OPENAI_API_KEY ? ['env_key = "OPENAI_API_KEY"'] : []),
    'wire_api = "responses"',
    `request_max_retries = ${Number.parseInt(retries, 10) || 0}`,
    `stream_max_retries = ${Number.parseInt(retries, 10) || 0}`,
    '',
  ].join('\n');
}

/** argv after the binary; the prompt is the last argument, after `--`. */
export function buildCodexArgs(req: AgentRunRequest): string[] {
  return [
    'exec',
    '--json',
    // Unattended in its own worktree, like Claude Code's --dangerously-skip-permissions (also skips the git check).
    '--dangerously-bypass-approvals-and-sandbox',
    '--ephemeral',
    ...(req.extraArgs ?? []),
    // A prompt starting with "-" must not be read as a flag.
    '--',
    req.prompt,
  ];
}

/** The complete child environment: allow-listed parent variables plus the per-run homes. */
export function buildCodexEnv(req: AgentRunRequest): NodeJS.ProcessEnv {
  const { codexHome, home, tmp } = codexPaths(req.configDir);
  return buildChildEnv(req.baseEnv, CODEX_ENV_ALLOW, { HOME: home, CODEX_HOME: codexHome, TMPDIR: tmp });
}
