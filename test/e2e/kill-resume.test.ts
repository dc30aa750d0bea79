// Walking skeleton, end to end: `scylla run` with the real Claude Code CLI against the scripted
// model server, killed with SIGKILL in the middle of a run, then resumed. Finalized runs must stay
// byte-identical, every run is finalized exactly once, and no run is judged twice.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbRows, experimentDirs, HELLO_AGENT, PASS_VERDICT } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

function expDirOf(results: string): string {
  const dirs = experimentDirs(results);
  expect(dirs).toHaveLength(1);
  return dirs[0];
}

interface Row {
  tier: string;
  subtest: string;
  run: number;
  state: string;
  branch: string | null;
}

const rows = (expDir: string) =>
  dbRows<Row>(expDir, 'SELECT tier, subtest, run, state, branch FROM runs ORDER BY tier, subtest, run');
const count = (expDir: string, sql: string) => dbRows<{ k: string; n: number }>(expDir, sql);

describe('scylla run: kill -9 mid-run, then resume', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({
      agent: HELLO_AGENT,
      judge: { default: PASS_VERDICT },
      delayMs: 400,
    });
  });
  afterAll(() => server.close());

  it('finalizes every run exactly once and never touches finalized runs again', async () => {
    const repo = gitdir({ 'README.md': '# greeter\n' });
    const { tiersDir } = buildTestCase({
      repo,
      tiers: {
        T0: { '00-empty': { system_prompt_mode: 'none' }, '01-vanilla': {} },
        T1: { '01-quality': { resources: { skills: { categories: ['quality'] } } } },
      },
    });
    const results = tmpDir('scylla-results-');
    const args = [
      'run',
      '--tiers-dir',
      tiersDir,
      '--tiers',
      'T0',
      'T1',
      '--runs',
      '2',
      '--parallel',
      '1',
      '--results-dir',
      results,
    ];
    const env = scyllaEnv(server.url);

    // First invocation: wait until some runs are finalized and another one is mid-pipeline, then SIGKILL.
    const first = startScylla(args, env);
    let expDir = '';
    let snapshot: Row[] = [];
    for (let i = 0; i < 600; i++) {
      await sleep(100);
      if (!expDir && existsSync(results) && readdirSync(results).length) expDir = expDirOf(results);
      if (!expDir || !existsSync(join(expDir, 'scylla.db'))) continue;
      const r = rows(expDir);
      const done = r.filter((x) => x.state === 'finalized' || x.state === 'cleaned');
      const mid = r.filter((x) => !['pending', 'finalized', 'cleaned'].includes(x.state));
      if (done.length >= 2 && mid.length >= 1) {
        first.child.kill('SIGKILL');
        snapshot = r;
        break;
      }
    }
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const finalizedBefore = snapshot.filter((x) => x.state === 'finalized' || x.state === 'cleaned');
    expect(finalizedBefore.length).toBeGreaterThanOrEqual(2);
    expect(snapshot.some((x) => !['pending', 'finalized', 'cleaned'].includes(x.state))).toBe(true);

    const runPath = (x: Row) => join(expDir, x.tier, x.subtest, `run_0${x.run}`);
    const before = finalizedBefore.map((x) => ({
      x,
      diff: readFileSync(join(runPath(x), 'diff.patch')),
      result: readFileSync(join(runPath(x), 'run_result.json')),
      tip: git(join(expDir, 'repo'), 'rev-parse', x.branch!),
    }));
    const judgedBefore = count(
      expDir,
      "SELECT tier||'/'||subtest||'/'||run AS k, COUNT(*) AS n FROM judgments GROUP BY k",
    );

    // Second invocation with the same arguments resumes and completes.
    const second = await runScylla(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('resuming');
    expect(expDirOf(results)).toBe(expDir);

    const after = rows(expDir);
    expect(after).toHaveLength(6);
    expect(after.every((x) => x.state === 'cleaned')).toBe(true);
    for (const b of before) {
      expect(readFileSync(join(runPath(b.x), 'diff.patch')).equals(b.diff)).toBe(true);
      expect(readFileSync(join(runPath(b.x), 'run_result.json')).equals(b.result)).toBe(true);
      expect(git(join(expDir, 'repo'), 'rev-parse', b.x.branch!)).toBe(b.tip);
    }
    // Exactly one finalization and one judgment per run; runs judged before the kill were not judged again.
    const finals = count(
      expDir,
      "SELECT tier||'/'||subtest||'/'||run AS k, COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' GROUP BY k",
    );
    expect(finals).toHaveLength(6);
    expect(finals.every((f) => f.n === 1)).toBe(true);
    const judged = count(
      expDir,
      "SELECT tier||'/'||subtest||'/'||run AS k, COUNT(*) AS n FROM judgments GROUP BY k",
    );
    expect(judged).toHaveLength(6);
    expect(judged.every((j) => j.n === 1)).toBe(true);
    for (const j of judgedBefore) expect(judged.find((x) => x.k === j.k)?.n).toBe(j.n);

    // Every run's diff holds the agent's new file, and the experiment report has both tiers.
    for (const x of after)
      expect(readFileSync(join(runPath(x), 'diff.patch'), 'utf8')).toContain('+print("Hello, World!")');
    const report = readFileSync(join(expDir, 'report.md'), 'utf8');
    expect(report).toContain('T0');
    expect(report).toContain('T1');
    const passed = count(expDir, 'SELECT tier AS k, SUM(passed) AS n FROM runs GROUP BY tier');
    expect(passed).toEqual([
      { k: 'T0', n: 4 },
      { k: 'T1', n: 2 },
    ]);
  });
});
