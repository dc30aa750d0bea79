// Issue 5, end to end with the real Claude Code CLI: global agent slots, Ctrl-C once and twice, and a
// second process refusing a live experiment (rate limits: rate-limits.test.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPids } from '../helpers/agent-pids.js';
import { HELLO_AGENT as AGENT, dbRows as db, PASS_VERDICT as VERDICT, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { agentLaunches, caseWith, expDirIn, waitFor } from '../helpers/e2e-runs.js';
import { tmpDir } from '../helpers/tmp.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: AGENT, judge: { default: VERDICT } });
});
afterAll(() => server.close());

describe('concurrency and Ctrl-C', () => {
  it('--parallel 4 on 8 subtests x 2 runs: never more than 4 agents, mostly 3 or more, every run finalized once', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT }, delayMs: 700 });
    const results = tmpDir('scylla-results-');
    const run = startScylla(runArgs(caseWith(8), results, { runs: 2, parallel: 4 }), scyllaEnv(server.url));
    const samples: number[] = [];
    let finished = false;
    void run.done.then(() => (finished = true));
    while (!finished) {
      samples.push(agentPids(results).length);
      await sleep(100);
    }
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(4);
    const first = samples.findIndex((n) => n > 0);
    const last = samples.length - 1 - [...samples].reverse().findIndex((n) => n > 0);
    const window = samples.slice(first, last + 1);
    const busy = window.filter((n) => n >= 3).length / window.length;
    expect(busy, `samples: ${window.join(',')}`).toBeGreaterThan(0.5);
    const expDir = expDirIn(results)!;
    const finals = db<{ n: number }>(
      expDir,
      "SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' GROUP BY tier, subtest, run",
    );
    expect(finals).toHaveLength(16);
    expect(finals.every((f) => f.n === 1)).toBe(true);
    // Each run's line counts it in order of finalisation: 1/16 .. 16/16, each once, runs ending together or not.
    const counts = [...r.stderr.matchAll(/\((\d+)\/16 done\)/g)].map((m) => Number(m[1]));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('Ctrl-C once: in-flight runs finish, exit 130; the next run resumes and completes', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT }, delayMs: 1200 });
    const results = tmpDir('scylla-results-');
    const args = runArgs(caseWith(4), results, { runs: 1, parallel: 2 });
    const run = startScylla(args, scyllaEnv(server.url));
    await waitFor('two agents', () => agentPids(results).length >= 2);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('finishing the runs in progress');
    const expDir = expDirIn(results)!;
    const states = db<{ state: string }>(expDir, 'SELECT state FROM runs ORDER BY subtest').map(
      (x) => x.state,
    );
    // The two runs whose agents were running finished; the other two never started an agent.
    expect(states.filter((s) => s === 'cleaned')).toHaveLength(2);
    expect(
      states.filter((s) => ['pending', 'workspace_ready', 'config_committed', 'prompt_written'].includes(s)),
    ).toHaveLength(2);
    const launched = agentLaunches(expDir).length;
    expect(launched).toBe(2);
    const again = await runScylla(args, scyllaEnv(server.url));
    expect(again.code, again.stderr).toBe(0);
    expect(db<{ state: string }>(expDir, 'SELECT state FROM runs').every((x) => x.state === 'cleaned')).toBe(
      true,
    );
  });

  it('Ctrl-C twice: agents are killed within 5 s, their runs are interrupted, never counted, and redone on resume', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT }, delayMs: 3000 });
    const results = tmpDir('scylla-results-');
    const args = runArgs(caseWith(2), results, { runs: 1, parallel: 2 });
    const run = startScylla(args, scyllaEnv(server.url));
    const pids = await waitFor('two agents', () => {
      const p = agentPids(results);
      return p.length >= 2 ? p : null;
    });
    run.child.kill('SIGINT');
    await sleep(200);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code, r.stderr).toBe(130);
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
    const expDir = expDirIn(results)!;
    const rows = db<{ state: string; passed: number | null }>(expDir, 'SELECT state, passed FROM runs');
    expect(rows.map((x) => x.state)).toEqual(['interrupted', 'interrupted']);
    expect(rows.every((x) => x.passed === null)).toBe(true);
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const again = await runScylla(args, scyllaEnv(server.url));
    expect(again.code, again.stderr).toBe(0);
    expect(db<{ state: string; attempt: number }>(expDir, 'SELECT state, attempt FROM runs')).toEqual([
      { state: 'cleaned', attempt: 2 },
      { state: 'cleaned', attempt: 2 },
    ]);
  });
});

describe('a stop during a later stage', () => {
  it('Ctrl-C twice while the build pipeline runs: the run stays after its agent, and resuming never re-runs the agent', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const repo = gitdir({ 'README.md': '# slow build\n' });
    const { tiersDir } = buildTestCase({
      repo,
      tiers: { T0: { '01-only': {} } },
      language: 'other',
      // Slow only once the agent has written hello.py, so the baseline on the base commit is quick.
      extraTestYaml: { pipeline: [{ name: 'slow-build', run: 'if [ -f hello.py ]; then sleep 30; fi' }] },
    });
    const results = tmpDir('scylla-results-');
    const args = runArgs(tiersDir, results, { runs: 1 });
    const from = server.requests.length;
    const run = startScylla(args, scyllaEnv(server.url));
    const expDir = await waitFor('the pipeline stage', () => {
      const d = expDirIn(results);
      return d && db<{ state: string }>(d, 'SELECT state FROM runs')[0]?.state === 'diff_captured' ? d : null;
    });
    await sleep(500);
    run.child.kill('SIGINT');
    await sleep(200);
    const stoppedAt = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - stoppedAt).toBeLessThan(8000); // the 30 s build step was killed
    expect(db<{ state: string }>(expDir, 'SELECT state FROM runs')).toEqual([{ state: 'diff_captured' }]);
    const agentRequests = server.requests.slice(from).filter((q) => q.kind === 'agent').length;
    // The declared pipeline is not part of what a result means, so the resume may use a fast one.
    const testYaml = join(tiersDir, 'test.yaml');
    writeFileSync(testYaml, readFileSync(testYaml, 'utf8').replace('sleep 30', 'true'));
    const again = await runScylla(args, scyllaEnv(server.url));
    expect(again.code, again.stderr).toBe(0);
    expect(db<{ state: string; attempt: number }>(expDir, 'SELECT state, attempt FROM runs')).toEqual([
      { state: 'cleaned', attempt: 1 },
    ]);
    expect(server.requests.slice(from).filter((q) => q.kind === 'agent').length).toBe(agentRequests);
  });
});
