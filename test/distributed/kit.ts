// The distributed tests' kit: worker processes (`scylla worker` with the real Claude Code CLI),
// their logs, a Redis dump taken while an experiment runs (job data, logs, events), and the
// normalisation that compares a local and a queued experiment "except timings".
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { scratchStores } from '../../src/distributed/worker.js';
import { join, relative } from 'node:path';
import { claudeBin } from '../helpers/claude-env.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { startScylla, type CliResult } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

export interface WorkerProc {
  pid: number;
  workDir: string;
  log: () => string;
  kill: (sig: NodeJS.Signals) => void;
  done: Promise<CliResult>;
}

/** Start `scylla worker` processes on `url` (each with its own work directory). */
export function startWorkers(
  n: number,
  url: string,
  env: NodeJS.ProcessEnv,
  ...extra: string[]
): WorkerProc[] {
  return Array.from({ length: n }, () => {
    const workDir = tmpDir('scylla-work-');
    const args = ['worker', '--queue', url, '--work-dir', workDir, '--agent-bin', claudeBin];
    const p = startScylla([...args, '--stall-seconds', '2', '-v', ...extra], env);
    let log = '';
    p.child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    return { pid: p.child.pid!, workDir, log: () => log, kill: (s) => p.child.kill(s), done: p.done };
  });
}

/** Stop workers with Ctrl-C and wait for them (a killed one's memory-backed scratch goes too). */
export async function stopWorkers(ws: WorkerProc[]): Promise<void> {
  for (const w of ws) w.kill('SIGINT');
  await Promise.all(ws.map((w) => w.done));
  for (const w of ws) rmSync(scratchStores(w.workDir), { recursive: true, force: true });
}

/** Every `job <id> (attempt N): <run>` line of the workers' logs: which runs each worker took. */
export function jobsTaken(
  ws: WorkerProc[],
): { worker: number; job: string; attempt: number; from: string }[] {
  const out: { worker: number; job: string; attempt: number; from: string }[] = [];
  ws.forEach((w, i) => {
    for (const m of w.log().matchAll(/job (\S+) \(attempt (\d+)\): \S+ from (\w+)/g))
      out.push({ worker: i, job: m[1], attempt: Number(m[2]), from: m[3] });
  });
  return out;
}

/** Dump Redis every `everyMs` while `during` runs: what job data and logs held at any time. */
export async function dumpsDuring<T>(
  redis: RedisServer,
  during: Promise<T>,
  everyMs = 300,
): Promise<{ result: T; dump: string }> {
  const dumps: string[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      dumps.push(await redis.dump().catch(() => ''));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const result = await during;
  done = true;
  await loop;
  dumps.push(await redis.dump());
  return { result, dump: dumps.join('\n') };
}

/** How many times each job id was added to `queue` (BullMQ's `added` events). */
export async function addedPerJob(redis: RedisServer, queue: string): Promise<Map<string, number>> {
  const entries = await redis.client.xrange(`scylla:${queue}:events`, '-', '+');
  const out = new Map<string, number>();
  for (const [, fields] of entries) {
    const f = new Map<string, string>();
    for (let i = 0; i < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
    if (f.get('event') === 'added') out.set(f.get('jobId')!, (out.get(f.get('jobId')!) ?? 0) + 1);
  }
  return out;
}

/** Every file below `dir` (relative paths), skipping the clone and worktrees. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === 'repo' || name === 'workspace') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

const TIMING_KEY = /duration|seconds|_at$|^at$|elapsed|_commit$|^started|^generated/i;
/** A sandbox record's path lists: the machine and directory the run ran in (a worker's, or local). */
const PLACE_KEY = /^(readOnly|writable|hidden)$/;

/** A report or run record without what depends on time (durations, times, commit ids) or place. */
export function untimedJson(text: string): unknown {
  return JSON.parse(text, (k, v: unknown) => (TIMING_KEY.test(k) || PLACE_KEY.test(k) ? undefined : v));
}

/** A Markdown report without times, durations and commit ids. */
export function untimedText(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s|min|h)\b/g, '<duration>')
    .replace(/\b[0-9a-f]{40}\b/g, '<sha>');
}

/** The reports and run records of an experiment, by relative path, without their timings. */
export function resultsOf(expDir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of filesBelow(expDir)) {
    const text = () => readFileSync(join(expDir, f), 'utf8');
    if (/(^|\/)(report|run_result)\.json$/.test(f)) out.set(f, untimedJson(text()));
    else if (/(^|\/)report\.md$/.test(f)) out.set(f, untimedText(text()));
  }
  return out;
}
