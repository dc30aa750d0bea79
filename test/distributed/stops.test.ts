// Issue 17, stops and Redis: Ctrl-C on the coordinator stops enqueuing and lets the workers finish
// the runs in progress; twice, the workers stop them; a Redis restarted without its data mid-way
// loses no finished run (the coordinator puts the lost jobs on the queue again).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPids } from '../helpers/agent-pids.js';
import { dbRows, experimentDirs, HELLO_AGENT, PASS_VERDICT, runArgs } from '../helpers/e2e.js';
import { agentLaunches, caseWith, expDirIn, waitFor } from '../helpers/e2e-runs.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { startWorkers, stopWorkers, type WorkerProc } from './kit.js';

let redis: RedisServer;
let server: ModelServer;
let workers: WorkerProc[];
let tiersDir: string;
const script = (extra: object = {}) => ({ agent: HELLO_AGENT, judge: { default: PASS_VERDICT }, ...extra });
const env = () => scyllaEnv(server.url);

beforeAll(async () => {
  [redis, server] = await Promise.all([startRedis(), startModelServer(script())]);
  tiersDir = caseWith(3); // three runs, two workers: two run, one waits
  workers = startWorkers(2, redis.url, scyllaEnv(server.url));
});
afterAll(async () => {
  if (workers) await stopWorkers(workers);
  await server?.close();
  await redis?.stop();
});

const queued = (results: string) => [...runArgs(tiersDir, results, { runs: 1 }), '--queue', redis.url];
const states = (expDir: string) =>
  dbRows<{ state: string; attempt: number }>(expDir, 'SELECT state, attempt FROM runs ORDER BY subtest');
/** The runs' states, sorted. */
const stateNames = (expDir: string) =>
  states(expDir)
    .map((x) => x.state)
    .sort();
const agentsRunning = (results: string) => {
  const d = expDirIn(results);
  return d ? states(d).filter((r) => r.state === 'prompt_written').length >= 2 : false;
};
/** Keys of the experiment's jobs still in Redis. */
const jobKeys = async (expDir: string) => redis.client.keys(`scylla:test-001:${basename(expDir)}.*`);

describe('stopping a queued experiment', () => {
  it('Ctrl-C once: nothing more is enqueued, the runs in progress finish; the same command does the rest', async () => {
    server.setScript(script({ delayMs: 400 }));
    const results = tmpDir('scylla-results-');
    const first = startScylla(queued(results), env());
    await waitFor('two agents running', () => agentsRunning(results));
    first.child.kill('SIGINT');
    const r = await first.done;
    expect(r.code, r.stderr).toBe(130);
    const expDir = experimentDirs(results)[0];
    expect(stateNames(expDir)).toEqual(['cleaned', 'cleaned', 'pending']);
    expect(await jobKeys(expDir)).toEqual([]);
    const again = await runScylla(queued(results), env());
    expect(again.code, again.stderr).toBe(0);
    expect(states(expDir)).toEqual(Array(3).fill({ state: 'cleaned', attempt: 1 }));
    expect(agentLaunches(expDir)).toHaveLength(3);
  });

  it('Ctrl-C twice: the workers stop their agents now; the runs are interrupted, to be redone', async () => {
    server.setScript(script({ delayMs: 1500 }));
    const results = tmpDir('scylla-results-');
    const run = startScylla(queued(results), env());
    await waitFor('two agents running', () => agentsRunning(results));
    run.child.kill('SIGINT');
    await sleep(300);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const expDir = experimentDirs(results)[0];
    expect(stateNames(expDir)).toEqual(['interrupted', 'interrupted', 'pending']);
    // No agent outlives the stop, and the workers are free again.
    await waitFor(
      'the agents to be gone',
      () => workers.every((w) => agentPids(w.workDir).length === 0),
      10_000,
    );
    expect(await jobKeys(expDir)).toEqual([]);
  });

  it('Redis restarted without its data mid-way: the lost jobs are enqueued again, no finished run is lost', async () => {
    server.setScript(script({ delayMs: 500 }));
    const results = tmpDir('scylla-results-');
    const run = startScylla(queued(results), env());
    const done = await waitFor('a finished run and an agent running', () => {
      const d = expDirIn(results);
      const s = d ? dbRows<{ subtest: string; state: string }>(d, 'SELECT subtest, state FROM runs') : [];
      const fin = s.find((x) => x.state === 'cleaned');
      return fin && s.some((x) => x.state === 'prompt_written') ? fin : null;
    });
    const expDir = expDirIn(results)!;
    const result = join(expDir, 'T0', done.subtest, 'run_01', 'run_result.json');
    const before = readFileSync(result);
    await redis.restart({ keepData: false });
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('gone from the queue');
    expect(states(expDir).map((x) => x.state)).toEqual(Array(3).fill('cleaned'));
    expect(readFileSync(result).equals(before)).toBe(true);
    const finals = dbRows<{ n: number }>(
      expDir,
      "SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' GROUP BY subtest",
    );
    expect(finals.map((f) => f.n)).toEqual([1, 1, 1]);
    expect(existsSync(join(expDir, 'report.md'))).toBe(true);
  });
});
