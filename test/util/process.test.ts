// runProcess: process-group kill on timeout/abort (by pid), streaming to files, closed stdin, spawn errors.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/util/process.js';
import { tmpDir } from '../helpers/tmp.js';

const env = { PATH: process.env.PATH };

/** Is `pid` a live process? (A zombie waiting for a reaper counts as dead.) */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function pidsFrom(file: string): Promise<number[]> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(20);
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

// A leader with a background child and a grandchild, all ignoring SIGTERM; pids written to `file`.
const family = (file: string) =>
  `trap '' TERM; sleep 300 & bash -c 'sleep 300 & wait' & sleep 0.1; pgrep -g $$ | tr '\\n' ' ' > ${file}; wait`;

describe('runProcess', () => {
  it('kills the whole process group on timeout, including background children that ignore SIGTERM', async () => {
    const dir = tmpDir();
    const file = join(dir, 'pids');
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', family(file)],
      cwd: dir,
      env,
      timeoutMs: 500,
      killGraceMs: 200,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    const pids = await pidsFrom(file);
    expect(pids.length).toBeGreaterThanOrEqual(4);
    await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves nothing of its group running after a normal exit', async () => {
    const dir = tmpDir();
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', 'sleep 300 >/dev/null 2>&1 & echo $!'],
      cwd: dir,
      env,
      timeoutMs: 10_000,
    });
    expect(r.exitCode).toBe(0);
    const pid = Number(r.stdout.trim());
    await sleep(50);
    expect(alive(pid)).toBe(false);
  });

  it('returns only once nothing of its group is running (an agent slot is free only then)', async () => {
    const dir = tmpDir();
    // A background child holding 1 GiB takes a while to tear down after the group's SIGKILL.
    const hog = `python3 -c "import time; x = bytearray(1 << 30); time.sleep(300)"`;
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', `${hog} >/dev/null 2>&1 & echo $!; sleep 1`],
      cwd: dir,
      env,
      timeoutMs: 20_000,
    });
    expect(r.exitCode).toBe(0);
    expect(alive(Number(r.stdout.trim()))).toBe(false);
  });

  it('kills the group when aborted', async () => {
    const dir = tmpDir();
    const file = join(dir, 'pids');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 400);
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', family(file)],
      cwd: dir,
      env,
      signal: ac.signal,
      killGraceMs: 200,
    });
    expect(r.aborted).toBe(true);
    expect(r.timedOut).toBe(false);
    const pids = await pidsFrom(file);
    await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('streams stdout and stderr to files while the process runs, and lines as they arrive', async () => {
    const dir = tmpDir();
    const out = join(dir, 'logs', 'stdout.log');
    const lines: string[] = [];
    const run = runProcess({
      cmd: 'bash',
      args: ['-c', 'echo first; echo err >&2; sleep 1.5; echo second'],
      cwd: dir,
      env,
      stdoutFile: out,
      stderrFile: join(dir, 'logs', 'stderr.log'),
      onStdoutLine: (l) => lines.push(l),
    });
    let seenEarly = '';
    for (let i = 0; i < 50 && !seenEarly; i++) {
      await sleep(20);
      seenEarly = existsSync(out) ? readFileSync(out, 'utf8') : '';
    }
    expect(seenEarly).toBe('first\n');
    expect(lines).toEqual(['first']);
    const r = await run;
    expect(readFileSync(out, 'utf8')).toBe('first\nsecond\n');
    expect(readFileSync(join(dir, 'logs', 'stderr.log'), 'utf8')).toBe('err\n');
    expect(r.stdout).toBe('first\nsecond\n');
    expect(lines).toEqual(['first', 'second']);
  });

  it('keeps multi-byte characters intact when a chunk splits them', async () => {
    const dir = tmpDir();
    const lines: string[] = [];
    const js =
      'process.stdout.write(Buffer.from([0x41, 0xc2])); setTimeout(() => process.stdout.write(Buffer.from([0xb7, 0x42, 0x0a])), 100)';
    await runProcess({
      cmd: process.execPath,
      args: ['-e', js],
      cwd: dir,
      env,
      onStdoutLine: (l) => lines.push(l),
    });
    expect(lines).toEqual(['A·B']);
  });

  it('closes stdin (a reader sees EOF at once) or feeds the given input', async () => {
    const dir = tmpDir();
    const closed = await runProcess({ cmd: 'cat', args: [], cwd: dir, env, timeoutMs: 5000 });
    expect(closed).toMatchObject({ exitCode: 0, timedOut: false, stdout: '' });
    const fed = await runProcess({ cmd: 'cat', args: [], cwd: dir, env, input: 'hello\n', timeoutMs: 5000 });
    expect(fed.stdout).toBe('hello\n');
  });

  it('reports a missing binary as a spawn error, not a throw', async () => {
    const r = await runProcess({ cmd: 'definitely-not-a-binary-xyz', args: [], cwd: tmpDir(), env });
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
  });
});

describe('runProcess and detached grandchildren', () => {
  it('on timeout also kills what the child started in process groups of their own', async () => {
    const dir = tmpDir();
    const file = join(dir, 'pid');
    // setsid puts the sleeper in a new session and group, as an agent CLI does with its tool commands.
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', `setsid sleep 300 & echo $! > ${file}; wait`],
      cwd: dir,
      env,
      timeoutMs: 700,
      killGraceMs: 200,
    });
    expect(r.timedOut).toBe(true);
    const [pid] = await pidsFrom(file);
    expect(alive(pid)).toBe(false);
  });
});

describe('runProcess with reapCwd', () => {
  it('after a normal exit kills what still runs inside its directory, and nothing outside it', async () => {
    const dir = tmpDir();
    const sibling = `${dir}-sibling`;
    mkdirSync(sibling);
    const inner = join(dir, 'pid');
    const outer = join(dir, 'sibling-pid');
    // Both escape the group with setsid, as a detached tool command does; only one runs inside `dir`.
    const script = [
      `setsid sleep 300 > /dev/null 2>&1 & echo $! > ${inner}`,
      `(cd ${sibling} && exec setsid sleep 300 > /dev/null 2>&1) & echo $! > ${outer}`,
      'sleep 0.2',
    ].join('; ');
    const r = await runProcess({
      cmd: 'bash',
      args: ['-c', script],
      cwd: dir,
      env,
      timeoutMs: 10_000,
      reapCwd: true,
    });
    expect(r.exitCode).toBe(0);
    const [innerPid] = await pidsFrom(inner);
    const [outerPid] = await pidsFrom(outer);
    expect(alive(innerPid)).toBe(false);
    expect(alive(outerPid)).toBe(true);
    process.kill(outerPid, 'SIGKILL');
  });
});
