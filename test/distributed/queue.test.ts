// Issue 17, end to end: a coordinator (`scylla run --queue`) and two `scylla worker` processes on a
// real redis-server (with a password), the real Claude Code CLI against the scripted model server.
// Every run is finalized exactly once; a worker killed mid-run has its run redone by the other (its
// agent result reused); a 429 pauses both workers; a killed coordinator is restarted without a
// duplicate job; local and queued runs give the same results; no password or key leaks.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../helpers/claude-env.js';
import { dbRows, experimentDirs, HELLO_AGENT, PASS_VERDICT, runArgs } from '../helpers/e2e.js';
import { agentLaunches, expDirIn, expectOnePauseWithoutLaunches, waitFor } from '../helpers/e2e-runs.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import {
  addedPerJob,
  dumpsDuring,
  filesBelow,
  jobsTaken,
  resultsOf,
  startWorkers,
  stopWorkers,
  type WorkerProc,
} from './kit.js';

let redis: RedisServer;
let server: ModelServer;
let tiersDir: string;
// Two workers serve every test (the one killed in a test is replaced after it). They all mount the
// same shared directory, which one experiment uses instead of carrying files through Redis.
let workers: WorkerProc[];
let shared: string;
const startWorker = (n: number) => startWorkers(n, redis.url, workerEnv(), '--shared-dir', shared);
const script = (extra: object = {}) => ({ agent: HELLO_AGENT, judge: { default: PASS_VERDICT }, ...extra });

beforeAll(async () => {
  [redis, server] = await Promise.all([startRedis(), startModelServer(script())]);
  const repo = gitdir({ 'README.md': '# greeter\n' });
  tiersDir = buildTestCase({
    repo,
    tiers: { T0: { '00-empty': { system_prompt_mode: 'none' }, '01-vanilla': {} } },
  }).tiersDir;
  shared = tmpDir('scylla-shared-');
  workers = startWorker(2);
});
afterAll(async () => {
  if (workers) await stopWorkers(workers);
  await server?.close();
  await redis?.stop();
});

const env = () => scyllaEnv(server.url);
// A 429 ends the agent's run at once (no retry inside the CLI): the harness pauses and redoes it.
const workerEnv = () => scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '0' });
const queued = (results: string, ...extra: string[]) => [
  ...runArgs(tiersDir, results, { runs: 2 }),
  '--queue',
  redis.url,
  ...extra,
];

interface Row {
  tier: string;
  subtest: string;
  run: number;
  state: string;
  attempt: number;
}
const rows = (expDir: string) =>
  dbRows<Row>(expDir, 'SELECT tier, subtest, run, state, attempt FROM runs ORDER BY tier, subtest, run');
const perRun = (expDir: string, sql: string) =>
  dbRows<{ k: string; n: number }>(
    expDir,
    `SELECT tier||'/'||subtest||'/'||run AS k, COUNT(*) AS n ${sql} GROUP BY k`,
  );

/** The jobs the workers took for the experiment in `expDir`. */
const jobsOf = (expDir: string) => jobsTaken(workers).filter((j) => j.job.startsWith(`${basename(expDir)}.`));

/** `n` runs, each finalized exactly once and judged once. */
function expectEachRunOnce(expDir: string, n = 4): void {
  expect(rows(expDir).map((r) => r.state)).toEqual(Array(n).fill('cleaned'));
  const finals = perRun(expDir, "FROM transitions WHERE to_state = 'finalized'");
  expect(finals.map((f) => f.n)).toEqual(Array(n).fill(1));
  expect(perRun(expDir, 'FROM judgments').map((j) => j.n)).toEqual(Array(n).fill(1));
}

/**
 * Two tier groups (T0, T1 | T5 on the winner), skills from the library (they travel with the jobs),
 * two runs of a subtest at once: 5 runs.
 */
function richCase(): string[] {
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const { tiersDir: dir } = buildTestCase({
    repo,
    tiers: {
      T0: { '00-empty': { system_prompt_mode: 'none' }, '01-vanilla': {} },
      T1: { '01-quality': { resources: { skills: { categories: ['quality'] } } } },
      T5: { '01-layered': { resources: { skills: { names: ['lint-fix'] } } } },
    },
  });
  return ['run', '--tiers-dir', dir, '--tiers', 'T0', 'T1', 'T5', '--parallel-runs', '2'];
}

/** Every file of a directory tree (including scylla.db and the clone), as bytes. */
function everyFile(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...everyFile(p));
    else out.push(readFileSync(p));
  }
  return out;
}

describe('scylla run --queue with two workers', () => {
  it('gives the results of a local run, finalizes every run once, and leaks no password or key', async () => {
    const args = [...richCase(), '--runs', '1', '--results-dir'];
    const local = tmpDir('scylla-local-');
    const l = await runScylla([...args, local, '--parallel', '2'], env());
    expect(l.code, l.stderr).toBe(0);

    const results = tmpDir('scylla-results-');
    const { result: q, dump } = await dumpsDuring(
      redis,
      runScylla([...args, results, '--queue', redis.url], env()),
    );
    expect(q.code, q.stderr).toBe(0);
    const expDir = experimentDirs(results)[0];
    expectEachRunOnce(expDir, 4);
    // T5 went on the queue once T0 and T1 were decided, on the winner recorded for them.
    const t5 = dbRows<{ at: string }>(expDir, "SELECT MIN(at) AS at FROM transitions WHERE tier = 'T5'")[0]
      .at;
    const others = dbRows<{ at: string }>(
      expDir,
      "SELECT MAX(at) AS at FROM transitions WHERE tier != 'T5'",
    )[0].at;
    expect(t5 > others).toBe(true);
    expect(dbRows(expDir, 'SELECT tier FROM group_winners')).toHaveLength(2);
    // Both workers took jobs; the coordinator alone wrote the results.
    expect(new Set(jobsOf(expDir).map((j) => j.worker)).size).toBe(2);
    expect(resultsOf(expDir)).toEqual(resultsOf(experimentDirs(local)[0]));
    // The runs' commits are on their branches in the coordinator's clone, as locally; the skills
    // reached the agent (the config commit links them).
    expect(readFileSync(join(expDir, 'T5/01/run_01/diff.patch'), 'utf8')).toContain(
      '+print("Hello, World!")',
    );
    const manifest = JSON.parse(readFileSync(join(expDir, 'T1/01/run_01/config_manifest.json'), 'utf8')) as {
      files: string[];
    };
    expect(manifest.files).toContain('.claude/skills/lint-fix');

    // The job data was seen (the dump is real), and holds neither the Redis password nor the key.
    expect(dump).toContain('expKey');
    for (const secret of [redis.password, TEST_API_KEY]) {
      expect(dump).not.toContain(secret);
      expect(q.stderr + q.stdout + workers.map((w) => w.log()).join('')).not.toContain(secret);
      expect(everyFile(expDir).some((b) => b.includes(secret))).toBe(false);
    }
  });

  it('a worker killed mid-run: the other redoes its run from what reached the coordinator, counted once', async () => {
    // The first judge call hangs: its worker is killed while the run waits for it.
    server.setScript(script({ faults: [{ kind: 'judge', nth: 1, delayMs: 15_000 }] }));
    const results = tmpDir('scylla-results-');
    const coord = startScylla(queued(results), env());
    // The run whose judging hangs: at pipeline_done for 3 s (another run's judging takes
    // milliseconds, so the first run seen there may be done before a kill reaches its worker).
    const since = new Map<string, number>();
    const judging = await waitFor('a run whose judging hangs', () => {
      const d = expDirIn(results);
      for (const r of d ? rows(d) : []) {
        const k = `${r.tier}/${r.subtest}/${r.run}`;
        if (r.state !== 'pipeline_done') since.delete(k);
        else if (!since.has(k)) since.set(k, Date.now());
        else if (Date.now() - since.get(k)! > 3000) return r;
      }
      return undefined;
    });
    const expDir = expDirIn(results)!;
    const id = `.${judging.tier}.${judging.subtest}.${judging.run}.a1`;
    const holder = await waitFor('its worker', () => jobsOf(expDir).find((j) => j.job.endsWith(id)));
    workers[holder.worker].kill('SIGKILL');
    const r = await coord.done;
    // Its replacement serves the next tests.
    await stopWorkers([workers[holder.worker]]);
    workers[holder.worker] = startWorker(1)[0];
    expect(r.code, r.stderr).toBe(0);
    expectEachRunOnce(expDir);
    // Taken over by the other worker at the judging: the paid agent result was not paid again.
    expect(jobsOf(expDir)).toContainEqual({
      worker: 1 - holder.worker,
      job: expect.stringMatching(`${id.replace(/\./g, '\\.')}$`) as string,
      attempt: 2,
      from: 'pipeline_done',
    });
    expect(r.stderr).toContain('taken over by another worker');
    expect(agentLaunches(expDir)).toHaveLength(4);
    expect(rows(expDir).every((x) => x.attempt === 1)).toBe(true);
  });

  it('a 429 seen by one worker pauses both: one pause, no agent started inside it, the run redone', async () => {
    server.setScript(
      script({ delayMs: 300, faults: [{ kind: 'agent', nth: 3, status: 429, retryAfter: 3 }] }),
    );
    const results = tmpDir('scylla-results-');
    const r = await runScylla(queued(results, '--rate-limit-wait', '3'), env());
    expect(r.code, r.stderr).toBe(0);
    const expDir = experimentDirs(results)[0];
    const launches = expectOnePauseWithoutLaunches([expDir], 2900);
    expect(launches).toHaveLength(5); // 4 runs + the redone one
    expect(rows(expDir).map((x) => x.state)).toEqual(Array(4).fill('cleaned'));
    expect(rows(expDir).filter((x) => x.attempt === 2)).toHaveLength(1);
  });

  it('a coordinator killed with SIGKILL and started again finishes without a duplicate job (files through a shared directory)', async () => {
    server.setScript(script({ delayMs: 400 }));
    const results = tmpDir('scylla-results-');
    const args = queued(results, '--shared-dir', shared);
    const first = startScylla(args, env());
    let throughShared = false;
    await waitFor('one run finalized and one under way', () => {
      throughShared ||= filesBelow(shared).some((f) => f.endsWith('task_prompt.md'));
      const d = expDirIn(results);
      const s = d ? rows(d).map((x) => x.state) : [];
      return s.includes('cleaned') && s.some((x) => !['pending', 'cleaned'].includes(x));
    });
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    await sleep(1500); // the workers go on meanwhile; their output waits in the queue
    const second = await runScylla(args, env());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('resuming');
    const expDir = experimentDirs(results)[0];
    expectEachRunOnce(expDir);
    expect(agentLaunches(expDir)).toHaveLength(4);
    // One job per run, taken once, added once.
    const taken = jobsOf(expDir);
    expect(taken.map((j) => j.attempt)).toEqual([1, 1, 1, 1]);
    expect(new Set(taken.map((j) => j.job)).size).toBe(4);
    const added = await addedPerJob(redis, 'test-001');
    expect(taken.map((j) => added.get(j.job))).toEqual([1, 1, 1, 1]);
    // The files went through the shared directory, and nothing of them is left there.
    expect(throughShared).toBe(true);
    expect(filesBelow(shared)).toEqual([]);
  });

  it('an unreachable Redis is a clear error before anything starts (a wrong password: protocol.test.ts)', async () => {
    const results = tmpDir('scylla-results-');
    const port = await freePort();
    const down = await runScylla(
      [...runArgs(tiersDir, results), '--queue', `redis://:hunter2-secret@127.0.0.1:${port}`],
      env(),
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the queue at redis://:***@127.0.0.1:${port}/0`);
    expect(down.stderr).toContain('redis-server');
    expect(down.stderr).not.toContain('hunter2-secret');
    expect(experimentDirs(results)).toEqual([]);
  });
});
