// Runs the real `scylla` CLI as a child process (TypeScript sources through tsx), for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { claudeBin, TEST_API_KEY } from './claude-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for scylla pointing every model call at the scripted server. */
export function scyllaEnv(baseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: TEST_API_KEY,
    ...extra,
  };
  delete env.CLAUDECODE;
  return env;
}

/** Start `node <argv>` with its output captured; `stdout()` is what it has printed so far. */
export function startNode(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd = root,
): { child: ChildProcess; done: Promise<CliResult>; stdout: () => string } {
  const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
}

/** Start `scylla <args>`; `--agent-bin` defaults to the pinned Claude Code CLI. */
export function startScylla(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = root,
): { child: ChildProcess; done: Promise<CliResult> } {
  const full =
    args[0] === 'run' && !args.includes('--agent-bin') ? [...args, '--agent-bin', claudeBin] : args;
  return startNode(['--import', 'tsx', entry, ...full], env, cwd);
}

/** Run `scylla <args>` to completion. */
export function runScylla(args: string[], env: NodeJS.ProcessEnv, cwd = root): Promise<CliResult> {
  return startScylla(args, env, cwd).done;
}
