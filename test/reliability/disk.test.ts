// The results disk fills up mid-experiment (a small tmpfs): a clear error naming the path and the
// free space, no crash, no half-recorded run, `status` never claims a dead experiment is running,
// and once there is space the same command finishes every run exactly once. A read-only results
// directory and one that is a file are clear errors that create nothing.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASS_VERDICT, experimentDirs, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { rows } from './kit.js';

const root = process.getuid?.() === 0;
const mounts: string[] = [];
const mount = (dir: string, opts: string) => {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]);
  mounts.push(dir);
};

/** An agent that writes 300 KB of incompressible data, then hello.py. */
function bulkyAgent(): string {
  const file = join(tmpDir('scylla-agent-'), 'agent.sh');
  writeFileSync(
    file,
    `#!/usr/bin/env bash\ncat > /dev/null\nhead -c 300000 /dev/urandom > blob.bin || exit 1\n` +
      `printf 'print("Hello, World!")\\n' > hello.py\n` +
      `echo '{"result":"done","usage":{"input_tokens":100,"output_tokens":10},"cost_usd":0.001}'\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe.skipIf(!root)(
  'reliability: disk full and unwritable results directories (needs root for tmpfs)',
  () => {
    let server: ModelServer;
    let tiersDir: string;
    const args = (results: string) =>
      runArgs(
        tiersDir,
        results,
        { runs: 3, parallel: 2 },
        '--agent',
        'command',
        '--agent-bin',
        bulkyAgent(),
        '--skip-validation',
      );
    beforeAll(async () => {
      server = await startModelServer({ judge: { default: PASS_VERDICT } });
      const t0: Record<string, object> = {};
      for (let i = 1; i <= 4; i++) t0[`0${i}-same`] = {};
      tiersDir = buildTestCase({
        repo: gitdir({ 'README.md': '# x\n' }),
        tiers: { T0: t0 },
        language: 'other',
      }).tiersDir;
    });
    afterAll(async () => {
      for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
      await server.close();
    });

    it('stops with the path and the free space, then finishes once there is room', async () => {
      const results = join(tmpDir('scylla-full-'), 'results');
      mount(results, 'size=3m');
      const full = await runScylla(args(results), scyllaEnv(server.url));
      expect(full.code, full.stderr).toBe(1);
      expect(full.stderr).toMatch(/no space left on the device of \S+ \(\d+ KiB free\)/);
      expect(full.stderr).not.toMatch(/internal error|\n\s+at /);
      const [expDir] = experimentDirs(results);
      const status = await runScylla(['status', expDir], scyllaEnv(server.url));
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/\[(interrupted|stopped \(owner gone\))\]/);
      // Nothing half-recorded: a finished run has its whole record, and no run claims a result it lacks.
      for (const r of rows<{ state: string; agent_outcome: string | null }>(
        expDir,
        'SELECT state, agent_outcome FROM runs',
      ))
        if (r.agent_outcome !== null) expect(r.agent_outcome).toBe('completed');

      execFileSync('mount', ['-o', 'remount,size=64m', results]);
      const again = await runScylla(args(results), scyllaEnv(server.url));
      expect(again.code, again.stderr).toBe(0);
      expect(experimentDirs(results)).toEqual([expDir]);
      const finals = rows<{ n: number }>(
        expDir,
        "SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' GROUP BY tier, subtest, run",
      );
      expect(finals.map((f) => f.n)).toEqual(Array(12).fill(1));
      expect(rows(expDir, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    });

    it('a read-only results directory, and one that is a file, are clear errors that create nothing', async () => {
      const ro = join(tmpDir('scylla-ro-'), 'results');
      mount(ro, 'size=1m,ro');
      const r = await runScylla(args(ro), scyllaEnv(server.url));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`results directory ${ro} cannot be written (EROFS)`);
      expect(readdirSync(ro)).toEqual([]);

      const file = join(tmpDir('scylla-file-'), 'results');
      writeFileSync(file, 'not a directory\n');
      const f = await runScylla(args(file), scyllaEnv(server.url));
      expect(f.code).toBe(1);
      expect(f.stderr).toContain(`results directory ${file} is a file, not a directory`);
      expect(server.requests.filter((q) => q.kind === 'judge')).toHaveLength(12);
    });
  },
);
