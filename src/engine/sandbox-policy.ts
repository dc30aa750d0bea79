// What each process of a run may see: the engine's sandbox policy. A run's agent (and everything it
// starts) writes only its worktree and its agent config/HOME; the build pipeline only the worktree;
// a CLI judge only its scratch directory. All read the system and the tool installations; none sees
// the results directory, the test case, the user's home or another experiment.
import { homedir, userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../fixture/resolved-config.js';
import { findExecutable } from '../util/which.js';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { isLocalRepo } from '../workspace/base-clone.js';
import { workspaceDir } from '../workspace/paths.js';
import { chooseSandbox, type SandboxChoice } from '../sandbox/registry.js';
import type { GateSockets, Sandbox, SandboxPolicy } from '../sandbox/sandbox.js';
import { executableRoots, toolRoots } from '../sandbox/tool-paths.js';

/** What every policy of one experiment shares. */
export interface SandboxSetup {
  choice: SandboxChoice;
  /** Read-only for every process: tool installations, configured paths, the pristine task history. */
  readOnly: string[];
  /** Read-write for the agent and the pipeline as well: `sandbox_writable` (a shared cache, say). */
  writable: string[];
  hidden: string[];
  homes: string[];
  network: ExperimentConfig['network'];
  /** With `network: allowlist`: the running gate every sandbox goes out through. */
  gate?: GateSockets;
}

/** The user's homes, HOME and the password database's (never a run's isolated one). */
function realHomes(env: NodeJS.ProcessEnv): string[] {
  let passwd: string | undefined;
  try {
    passwd = userInfo().homedir;
  } catch {
    passwd = undefined;
  }
  const all = [env.HOME ?? homedir(), passwd].filter((h): h is string => !!h && h !== '/');
  return [...new Set(all.map((h) => resolve(h)))];
}

/** Everything of the experiment that no run may see: results, test case, inputs, the task source. */
function hiddenPaths(config: ExperimentConfig, expDir: string): string[] {
  const files = [config.promptFile, config.criteriaFile, config.rubricFile, config.referencePatch];
  return [
    config.resultsDir,
    expDir,
    config.tiersDir,
    ...(config.resourcesDir ? [config.resourcesDir] : []),
    ...(isLocalRepo(config.repo) ? [resolve(config.repo)] : []),
    ...files.filter((f): f is string => f !== null),
  ];
}

/** The parts every policy of the experiment shares, for the sandbox chosen at start. */
export function sandboxSetup(
  choice: SandboxChoice,
  config: ExperimentConfig,
  expDir: string,
  taskStore: string,
  env: NodeJS.ProcessEnv,
  gate?: GateSockets,
): SandboxSetup {
  const homes = realHomes(env);
  return {
    choice,
    readOnly: [...toolRoots(env, homes), ...config.sandboxReadOnly, taskStore],
    writable: config.sandboxWritable,
    hidden: hiddenPaths(config, expDir),
    homes,
    network: gate ? 'allowlist' : 'open',
    ...(gate ? { gate } : {}),
  };
}

/** Endpoint variables of the model APIs a run's processes call (their defaults when unset). */
const ENDPOINTS: readonly [string, string][] = [
  ['ANTHROPIC_BASE_URL', 'https://api.anthropic.com'],
  ['ANTHROPIC_BEDROCK_BASE_URL', ''],
  ['ANTHROPIC_VERTEX_BASE_URL', ''],
  ['OPENAI_BASE_URL', 'https://api.openai.com'],
  ['SCYLLA_CODEX_BASE_URL', ''],
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * What the gate of `network: allowlist` lets through: `network_allow` and every model endpoint
 * (always), and which loopback ports it forwards as they are (a model endpoint on 127.0.0.1).
 */
export function gateOptions(
  config: ExperimentConfig,
  env: NodeJS.ProcessEnv,
): { allow: string[]; forwardPorts: number[] } {
  const allow = [...config.networkAllow];
  const forwardPorts: number[] = [];
  for (const [name, fallback] of ENDPOINTS) {
    let url: URL;
    try {
      url = new URL(env[name] || fallback);
    } catch {
      continue;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (LOOPBACK.has(url.hostname)) {
      forwardPorts.push(port);
      allow.push(`127.0.0.1:${port}`, `localhost:${port}`);
    } else allow.push(url.hostname);
  }
  return { allow: [...new Set(allow)], forwardPorts };
}

function sandboxOf(
  s: SandboxSetup,
  p: Pick<SandboxPolicy, 'writable' | 'writableCwd'> & { readOnly?: string[] },
): Sandbox {
  return s.choice.create({
    writable: p.writable,
    readOnly: [...s.readOnly, ...(p.readOnly ?? [])],
    hidden: s.hidden,
    homes: s.homes,
    writableCwd: p.writableCwd,
    network: s.network,
    ...(s.gate ? { gate: s.gate } : {}),
  });
}

/**
 * What a subtest's configuration makes the agent read outside its worktree: the skills and agents
 * linked into `.claude/` (symlinks into the resource library, nothing else of it), and the MCP
 * servers' installations and the absolute paths among their arguments (a server script).
 */
function configReadOnly(
  s: SandboxSetup,
  resolved: ResolvedConfig | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  if (!resolved) return [];
  const out = [...resolved.skills.map((x) => x.path), ...resolved.agents.map((x) => x.path)];
  for (const m of resolved.mcpServers) {
    const exe = m.command ? findExecutable(m.command, env) : null;
    if (exe) out.push(...executableRoots(exe, s.homes));
    for (const a of m.args ?? []) {
      const p = a.startsWith('file://') ? fileURLToPath(a) : a;
      if (isAbsolute(p) && existsSync(p)) out.push(...executableRoots(p, s.homes));
    }
  }
  return out;
}

/** The agent of a run, and its MCP servers: the worktree and the agent config/HOME read-write. */
export function agentSandbox(
  s: SandboxSetup,
  runDir: string,
  resolved?: ResolvedConfig,
  env: NodeJS.ProcessEnv = {},
): Sandbox {
  const agentDir = join(runDir, 'agent');
  return sandboxOf(s, {
    writable: [workspaceDir(runDir), join(agentDir, 'config'), ...s.writable],
    readOnly: [join(agentDir, 'mcp-config.json'), ...configReadOnly(s, resolved, env)],
  });
}

/** The build pipeline of a worktree: the worktree read-write, its step scripts read-only. */
export function pipelineSandbox(s: SandboxSetup, workspace: string, scriptsDir: string): Sandbox {
  return sandboxOf(s, { writable: [workspace, ...s.writable], readOnly: [scriptsDir] });
}

/** A CLI judge: nothing of any run, only its own scratch directory (its working directory). */
export function judgeSandbox(s: SandboxSetup): Sandbox {
  return sandboxOf(s, { writable: [], writableCwd: true });
}

/** One line for `--dry-run`, `validate` and the start of a run: will runs be sandboxed, and how. */
export function describeSandboxChoice(choice: SandboxChoice): string {
  return choice.kind === 'none'
    ? `NOT SANDBOXED: ${choice.reason ?? 'no sandbox'} (every run sees the whole machine)`
    : `sandboxed with bubblewrap: each run sees only its worktree, its agent config and a private /tmp, read-only system and tools; network ${choice.network}`;
}

/** What `--dry-run` and `validate` say about the sandbox (probes bubblewrap; changes nothing). */
export async function sandboxForecast(
  mode: ExperimentConfig['sandbox'],
  env: NodeJS.ProcessEnv,
  network: ExperimentConfig['network'] = 'open',
): Promise<string> {
  try {
    return describeSandboxChoice(await chooseSandbox(mode, env, network));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}
