// Where the queue's cost per run goes, for a closing note or a change to the queue: the same
// experiment run locally and through one `scylla worker`, with the CPU time of every process
// (coordinator, worker, Redis, everything they start) and the git processes each side started.
// `npx tsx bench/queue-profile.ts [runs]` (not part of `npm run bench`: it prints its own table).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveExperimentConfig } from '../src/config/resolve-experiment.js';
import { runExperiment } from '../src/engine/run-experiment.js';
import { loadTestCase } from '../src/fixture/load-test-case.js';
import { startModelServer } from '../test/helpers/model-server.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { agentScript, BIN, testCase, work } from './kit.js';
import { coordinatorOn } from './queue.js';

const RUNS = Number(process.argv[2] ?? 20);
const VERDICT = {
  score: 1,
  passed: true,
  reasoning: 'ok',
  criteria_scores: { R001: { score: 1, explanation: 'ok' }, R002: { score: 1, explanation: 'ok' } },
};
const TICK = 100; // clock ticks per second of /proc/<pid>/stat

/** CPU ms of this process's finished children and itself (utime + stime + cutime + cstime). */
function cpuMs(pid: number | 'self'): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(after[11]) + Number(after[12]) + Number(after[13]) + Number(after[14])) * 1000) / TICK;
}

const gitCount = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0);

/** A `git` first on PATH that notes each call in `log` (Scylla's git calls pass PATH, not GIT_TRACE). */
function countingGit(log: string): string {
  const dir = mkdtempSync(join(work, 'git-'));
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "$*" >> ${log}\nexec ${real} "$@"\n`);
  chmodSync(join(dir, 'git'), 0o755);
  return dir;
}

const agent = agentScript();
const [redis, server] = await Promise.all([startRedis(), startModelServer({ judge: { default: VERDICT } })]);
const base = { ...process.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'bench-key' };
await redis.client.sadd('scylla:queues', 'test-001');
const redisPid = Number(
  execFileSync('pgrep', ['-f', `redis-server .*:${redis.port}`])
    .toString()
    .trim()
    .split('\n')[0],
);

const experiment = () => {
  const { tiersDir } = testCase({ T0: RUNS / 2 });
  const tc = loadTestCase(tiersDir);
  const cli = { tiersDir, tiers: ['T0'], runs: 2, parallel: 4, agent: 'command', agentBin: agent };
  const config = resolveExperimentConfig({ ...cli, resultsDir: mkdtempSync(join(work, 'res-')) }, tc);
  return { testCase: tc, config: { ...config, parallelRuns: 2 } };
};

async function measure(queued: boolean) {
  const trace = join(mkdtempSync(join(work, 'trace-')), queued ? 'queued.log' : 'local.log');
  const path = `${countingGit(trace)}:${process.env.PATH}`;
  const oldPath = process.env.PATH;
  process.env.PATH = path;
  const env = { ...base, PATH: path };
  const worker = queued
    ? spawn(
        BIN,
        [
          'worker',
          '--queue',
          redis.url,
          '--concurrency',
          '4',
          '--agent-bin',
          agent,
          '--work-dir',
          mkdtempSync(join(work, 'w-')),
        ],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      )
    : null;
  if (worker)
    await new Promise<void>((res) => {
      let log = '';
      worker.stderr.on(
        'data',
        (b: Buffer) => ((log += b.toString()), log.includes('serving queue test-001') && res()),
      );
    });
  const e = experiment();
  const q = queued ? await coordinatorOn(redis.url, e.config) : null;
  const [self0, redis0, worker0] = [cpuMs('self'), cpuMs(redisPid), worker ? cpuMs(worker.pid!) : 0];
  const t = performance.now();
  await runExperiment({
    ...e,
    env,
    skipValidation: true,
    ...(q ? { execute: q.execute, slots: q.slots, onContext: q.attach } : {}),
  });
  const wall = performance.now() - t;
  const [self1, redis1, worker1] = [cpuMs('self'), cpuMs(redisPid), worker ? cpuMs(worker.pid!) : 0];
  await q?.close(true);
  if (worker) {
    const gone = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGINT');
    await gone;
  }
  process.env.PATH = oldPath;
  return {
    wall,
    coordinator: self1 - self0,
    worker: worker1 - worker0,
    redis: redis1 - redis0,
    git: gitCount(trace),
  };
}

const local =
  process.argv[3] === 'queued-only'
    ? { wall: 0, coordinator: 0, worker: 0, redis: 0, git: 0 }
    : await measure(false);
const queued = await measure(true);
const per = (v: number) => (v / RUNS).toFixed(1);
console.log(`| per run (${RUNS} runs, --parallel 4) | local | queued |`);
console.log('| --- | --- | --- |');
console.log(`| wall ms | ${per(local.wall)} | ${per(queued.wall)} |`);
console.log(
  `| CPU ms, coordinator (and what it starts) | ${per(local.coordinator)} | ${per(queued.coordinator)} |`,
);
console.log(`| CPU ms, worker (and what it starts) | — | ${per(queued.worker)} |`);
console.log(`| CPU ms, redis-server | — | ${per(queued.redis)} |`);
console.log(`| git processes | ${per(local.git)} | ${per(queued.git)} |`);
await server.close();
await redis.stop();
process.exit(0);
