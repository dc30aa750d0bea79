// A whole `scylla run` results directory holds no API key value anywhere (db, logs, artefacts, kept
// worktree), and a finished run's agent/replay.sh reproduces it against the scripted server.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const ANTHROPIC_KEY = 'sk-ant-e2e-secret-value-4c8d1f';
const OPENAI_KEY = 'sk-openai-e2e-secret-value-93ab';
const HELLO = { tool: 'Bash', input: { command: `printf 'print("Hello, World!")\\n' > hello.py` } };

let server: ModelServer;
let expDir: string;
beforeAll(async () => {
  server = await startModelServer({ agent: { steps: [HELLO, { text: 'Created hello.py.' }] } });
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '00-empty': {} } } });
  const results = tmpDir('scylla-results-');
  const env = scyllaEnv(server.url, { ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY });
  const args = runArgs(tiersDir, results, { runs: 1 });
  const r = await runScylla([...args, '--keep-workspaces'], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout + r.stderr).not.toContain(ANTHROPIC_KEY);
  const [name] = readdirSync(results);
  expDir = join(results, name);
}, 60_000);
afterAll(() => server.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe('secrets and replay over a real results directory', () => {
  it('no API key value appears in any file under the results directory', () => {
    const files = filesUnder(expDir);
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => f.endsWith('scylla.db'))).toBe(true);
    expect(files.some((f) => f.endsWith(join('agent', 'replay.sh')))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const key of [ANTHROPIC_KEY, OPENAI_KEY])
        expect(bytes.includes(key), `${key} in ${f}`).toBe(false);
    }
    // The key variable is still named (as a placeholder), so a reader knows what to export.
    const replay = readFileSync(join(expDir, 'T0', '00', 'run_01', 'agent', 'replay.sh'), 'utf8');
    expect(replay).toContain('# export ANTHROPIC_API_KEY=...');
  });

  it('bash agent/replay.sh from the finished run reproduces it against the scripted server', async () => {
    const runDir = join(expDir, 'T0', '00', 'run_01');
    const ws = join(runDir, 'workspace');
    rmSync(join(ws, 'hello.py'));
    const before = server.requests.filter((q) => q.kind === 'agent').length;
    const child = spawn('bash', [join(runDir, 'agent', 'replay.sh')], {
      cwd: tmpDir('scylla-elsewhere-'),
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(code, out).toBe(0);
    expect(readFileSync(join(ws, 'hello.py'), 'utf8')).toBe('print("Hello, World!")\n');
    const agentRequests = server.requests.filter((q) => q.kind === 'agent');
    expect(agentRequests.length - before).toBe(2);
    expect(out).toContain('Created hello.py.');
  });
});
