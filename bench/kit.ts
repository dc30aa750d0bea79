// The bench's kit: its rows (target, measured, ratio), a scratch directory, trivial agents, test
// cases of any size, the scylla CLI as a child process with its peak memory, and the raw git floor.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestCase } from '../test/helpers/fixture-builder.js';
import { gitdir } from '../test/helpers/gitdir.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'scylla.js');
export const work = mkdtempSync(join(tmpdir(), 'scylla-bench-'));

/** One line of the table: a target of `≤ value` (or `≥`), what was measured, and a note. */
export interface Row {
  what: string;
  measured: number | null;
  unit: string;
  target: { op: '≤' | '≥'; value: number } | null;
  note?: string;
}

/** measured / target for ≤ targets, target / measured for ≥ ones: ≤ 1 meets the target. */
export function ratio(r: Row): number | null {
  if (!r.target || r.measured === null || r.measured === 0) return null;
  return r.target.op === '≤' ? r.measured / r.target.value : r.target.value / r.measured;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const REPORT = `echo '{"result":"done","usage":{"input_tokens":1000,"output_tokens":100},"cost_usd":0.001,"num_turns":1}'`;

/** A command agent that writes hello.py after `sleepMs` and reports usage. */
export function agentScript(sleepMs = 0): string {
  const file = join(mkdtempSync(join(work, 'agent-')), 'agent.sh');
  const nap = sleepMs ? `sleep ${(sleepMs / 1000).toFixed(3)}\n` : '';
  writeFileSync(
    file,
    `#!/usr/bin/env bash\ncat > /dev/null\n${nap}printf 'print("Hello, World!")\\n' > hello.py\n${REPORT}\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** The original's tier sizes (113 subtests), or `T0` alone with `t0` subtests. */
export const ORIGINAL_MATRIX = { T0: 24, T1: 10, T2: 15, T3: 41, T4: 7, T5: 15, T6: 1 };

/** A test case of plain subtests (no resources, language `other`: no build pipeline). */
export function testCase(tiers: Record<string, number>): { tiersDir: string; tierIds: string[] } {
  const repo = gitdir({ 'README.md': '# bench\n' }, mkdtempSync(join(work, 'repo-')));
  const spec: Record<string, Record<string, object>> = {};
  for (const [t, n] of Object.entries(tiers)) {
    spec[t] = {};
    for (let i = 1; i <= n; i++) spec[t][`${String(i).padStart(2, '0')}-plain`] = {};
  }
  return {
    tiersDir: buildTestCase({ repo, tiers: spec, language: 'other' }).tiersDir,
    tierIds: Object.keys(tiers),
  };
}

/** What a child process did: exit code, wall time, peak resident memory. */
export interface Child {
  code: number | null;
  ms: number;
  peakMb: number;
  stdout: string;
  stderr: string;
}

function peakKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Run `scylla <args>` as a user does (the executable, so its shebang's node flags apply; the build:
 * `npm run bench` builds first) and watch its peak memory. */
export function scylla(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const t = performance.now();
  const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const poll = setInterval(() => (peak = Math.max(peak, peakKb(child.pid!))), 25);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, ms: performance.now() - t, peakMb: peak / 1024, stdout, stderr });
    }),
  );
}

/** A command that changes nothing (a no-op resume, status), run `times` times: the median and range. */
export async function scyllaRepeated(
  args: string[],
  env: NodeJS.ProcessEnv,
  times = 5,
): Promise<{ ms: number; note: string }> {
  const all: Child[] = [];
  for (let i = 0; i < times; i++) all.push(await scylla(args, env));
  const ms = all.map((c) => c.ms).sort((a, b) => a - b);
  const codes = [...new Set(all.map((c) => c.code))];
  return {
    ms: ms[Math.floor(times / 2)],
    note: `median of ${times} (${ms[0].toFixed(0)}–${ms[times - 1].toFixed(0)} ms), exit ${codes.join('/')}`,
  };
}

/** Build dist/ and the bundled CLI (`npm run build`) so the CLI runs as an installed package does. */
export function build(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
