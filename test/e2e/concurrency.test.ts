// Issue 5, end to end with the real Claude Code CLI: global agent slots, one rate-limit pause for
// every worker, Ctrl-C once and twice, and a second process refusing a live experiment.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPids } from '../helpers/agent-pids.js';
import { HELLO_AGENT as AGENT, dbRows as db, PASS_VERDICT as VERDICT, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: AGENT, judge: { default: VERDICT } });
});
afterAll(() => server.close());

function caseWith(subtests: number): string {
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const t0: Record<string, object> = {};
  for (let i = 1; i <= subtests; i++) t0[`${String(i).padStart(2, '0')}-same`] = { name: `same ${i}` };
  return buildTestCase({ repo, tiers: { T0: t0 }, language: 'other' }).tiersDir;
}

async function waitFor<T>(what: string, f: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = f();
      if (v) return v;
    } catch {
      // not there yet (e.g. the database is being created)
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const expDirIn = (results: string) => {
  const d = existsSync(results) ? readdirSync(results).filter((n) => n.endsWith('-test-001')) : [];
  return d.length ? join(results, d[0]) : null;
};

/** Every agent launch (command_log.json timestamps), including quarantined attempts. */
function agentLaunches(expDir: string): number[] {
  const out: number[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'workspace' && e.name !== 'repo' && e.name !== 'config') walk(p);
      else if (e.name === 'command_log.json')
        for (const c of JSON.parse(readFileSync(p, 'utf8')).commands) out.push(Date.parse(c.timestamp));
    }
  };
  walk(expDir);
  return out;
}

describe('concurrency, rate limits and Ctrl-C', () => {
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

  it('a 429 on one agent request pauses every worker: no agent starts during the pause, the run is redone, 8 runs counted', async () => {
    server.setScript({
      agent: AGENT,
      judge: { default: VERDICT },
      delayMs: 300,
      faults: [{ kind: 'agent', nth: 6, status: 429, retryAfter: 3 }],
    });
    const results = tmpDir('scylla-results-');
    const r = await runScylla(
      runArgs(caseWith(4), results, { runs: 2, parallel: 4 }, '--rate-limit-wait', '3'),
      scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '0' }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('rate limited');
    const expDir = expDirIn(results)!;
    const pauses = db<{ started_at: string; until: string; source: string }>(expDir, 'SELECT * FROM pauses');
    expect(pauses).toHaveLength(1);
    expect(pauses[0].source).toBe('agent');
    const [from, to] = [Date.parse(pauses[0].started_at), Date.parse(pauses[0].until)];
    expect(to - from).toBeGreaterThanOrEqual(2900);
    const launches = agentLaunches(expDir);
    expect(launches.filter((t) => t > from && t < to)).toEqual([]);
    expect(launches.length).toBe(9); // 8 runs + the redone one
    const runs = db<{ state: string; attempt: number }>(expDir, 'SELECT state, attempt FROM runs');
    expect(runs).toHaveLength(8);
    expect(runs.every((x) => x.state === 'cleaned')).toBe(true);
    expect(runs.filter((x) => x.attempt === 2)).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(expDir, 'report.json'), 'utf8'));
    expect(report.summary.total_runs).toBe(8);
    expect(report.summary.passed_runs).toBe(8);
  });

  it('a 429 the CLI retries by itself pauses every other worker at once; the run goes on and is counted once', async () => {
    server.setScript({
      agent: AGENT,
      judge: { default: VERDICT },
      delayMs: 300,
      faults: [{ kind: 'agent', nth: 6, status: 429, retryAfter: 3 }],
    });
    const results = tmpDir('scylla-results-');
    const r = await runScylla(
      runArgs(caseWith(4), results, { runs: 2, parallel: 4 }),
      scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '1' }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('retrying in 3.0 s');
    const expDir = expDirIn(results)!;
    const pauses = db<{ started_at: string; until: string; ended_at: string | null; source: string }>(
      expDir,
      'SELECT * FROM pauses',
    );
    expect(pauses).toHaveLength(1);
    expect(pauses[0].source).toBe('agent');
    expect(pauses[0].ended_at).not.toBeNull();
    const [from, to] = [Date.parse(pauses[0].started_at), Date.parse(pauses[0].until)];
    expect(to - from).toBeGreaterThanOrEqual(2900);
    const launches = agentLaunches(expDir);
    expect(launches.filter((t) => t > from && t < to)).toEqual([]);
    expect(launches.length).toBe(8); // nothing redone: the retried run finished on its own
    const runs = db<{ state: string; attempt: number }>(expDir, 'SELECT state, attempt FROM runs');
    expect(runs.map((x) => [x.state, x.attempt])).toEqual(Array(8).fill(['cleaned', 1]));
  });

  it('a batch shares one gate: a 429 in one test case pauses the agents of every test case', async () => {
    server.setScript({
      agent: AGENT,
      judge: { default: VERDICT },
      delayMs: 300,
      faults: [{ kind: 'agent', nth: 5, status: 429, retryAfter: 4 }],
    });
    const results = tmpDir('scylla-results-');
    const args = ['run', '--tiers', 'T0', '--runs', '2', '--parallel', '4', '--results-dir', results];
    for (const id of ['test-001', 'test-002']) {
      const repo = gitdir({ 'README.md': `# ${id}\n` });
      const t0 = { '01-a': {}, '02-b': {} };
      args.push(
        '--tiers-dir',
        buildTestCase({ repo, tiers: { T0: t0 }, language: 'other', extraTestYaml: { id } }).tiersDir,
      );
    }
    const r = await runScylla(
      [...args, '--rate-limit-wait', '4'],
      scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '0' }),
    );
    expect(r.code, r.stderr).toBe(0);
    const dirs = readdirSync(results)
      .filter((d) => /^\d{4}-/.test(d))
      .map((d) => join(results, d));
    expect(dirs).toHaveLength(2);
    const pauses = dirs.flatMap((d) => db<{ started_at: string; until: string }>(d, 'SELECT * FROM pauses'));
    expect(pauses).toHaveLength(1); // recorded by the test case that hit it
    const [from, to] = [Date.parse(pauses[0].started_at), Date.parse(pauses[0].until)];
    expect(to - from).toBeGreaterThanOrEqual(3900);
    const launches = dirs.flatMap(agentLaunches);
    expect(launches.filter((t) => t > from && t < to)).toEqual([]);
    expect(launches).toHaveLength(9); // 8 runs + the redone one
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

  it('a second scylla run on a live experiment refuses with the owner pid', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT }, delayMs: 2000 });
    const results = tmpDir('scylla-results-');
    const args = runArgs(caseWith(1), results, { runs: 1 });
    const first = startScylla(args, scyllaEnv(server.url));
    await waitFor('the first run to own the experiment', () => agentPids(results).length >= 1);
    const second = await runScylla(args, scyllaEnv(server.url));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
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
