// `npm run bench`: what Scylla itself costs, apart from the agents and judges it waits for.
// Prints one table. Numbers are wall-clock on this machine; run it on an idle machine to compare.
//  - overhead per run: a full experiment with a trivial command agent (a shell script) and the
//    scripted judge server; overhead = wall time per run minus the agent process's own time
//  - resume: re-running the finished experiment (plans every run, touches none)
//  - store: run-state transitions per second (each one a durable SQLite transaction)
//  - reports: regenerating every report (JSON, Markdown, HTML) of a 3-tier synthetic store
//  - view: `scylla view` over a 10,000-run experiment and 50 more (bench/view.ts), against its targets
//  - sandbox: the same experiment with --sandbox bwrap vs none (cost per run), and one sandboxed
//    process start vs an unsandboxed one (the agent, each pipeline step and probe pays it once)
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperimentConfig } from '../src/config/resolve-experiment.js';
import { runExperiment } from '../src/engine/run-experiment.js';
import { loadTestCase } from '../src/fixture/load-test-case.js';
import { writeAllReports } from '../src/report/write-reports.js';
import { tiersFromStore } from '../src/report/store-tiers.js';
import { Store } from '../src/store/store.js';
import { chooseSandbox } from '../src/sandbox/registry.js';
import { toolRoots } from '../src/sandbox/tool-paths.js';
import { runProcess } from '../src/util/process.js';
import { buildTestCase } from '../test/helpers/fixture-builder.js';
import { gitdir } from '../test/helpers/gitdir.js';
import { startModelServer } from '../test/helpers/model-server.js';
import { buildSyntheticExperiment } from '../test/report/synthetic-experiment.js';
import { viewBench } from './view.js';

const rows: [string, string, string][] = [];
const work = mkdtempSync(join(tmpdir(), 'scylla-bench-'));

async function overheadAndResume(
  runs: number,
  subtests: number,
  parallel: number,
  sandbox: 'none' | 'bwrap' = 'none',
): Promise<number> {
  const agent = join(work, 'agent.sh');
  writeFileSync(
    agent,
    `#!/usr/bin/env bash\ncat > /dev/null\nprintf 'print("Hello, World!")\\n' > hello.py\n` +
      `echo '{"result":"done","usage":{"input_tokens":1000,"output_tokens":100},"cost_usd":0.001,"num_turns":1}'\n`,
  );
  chmodSync(agent, 0o755);
  const server = await startModelServer({
    judge: {
      default: {
        score: 1,
        passed: true,
        reasoning: 'ok',
        criteria_scores: { R001: { score: 1, explanation: 'ok' }, R002: { score: 1, explanation: 'ok' } },
      },
    },
  });
  const repo = gitdir({ 'README.md': '# bench\n' }, mkdtempSync(join(work, 'repo-')));
  const t0: Record<string, object> = {};
  for (let i = 1; i <= subtests; i++) t0[`${String(i).padStart(2, '0')}-plain`] = {};
  const { tiersDir } = buildTestCase({ repo, tiers: { T0: t0 }, language: 'other' });
  const testCase = loadTestCase(tiersDir);
  const config = resolveExperimentConfig(
    {
      tiersDir,
      tiers: ['T0'],
      runs,
      parallel,
      agent: 'command',
      agentBin: agent,
      resultsDir: join(work, `results-${sandbox}`),
      sandbox,
    },
    testCase,
  );
  const env = { ...process.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'bench-key' };
  const t = performance.now();
  const out = await runExperiment({ config, testCase, env });
  const wall = performance.now() - t;
  const total = runs * subtests;
  const store = new Store(join(out.expDir, 'scylla.db'));
  const agentMs = store.runs().reduce((a, r) => a + (r.agent_duration_ms ?? 0), 0);
  store.close();
  const tag = sandbox === 'none' ? '' : ` --sandbox ${sandbox}`;
  rows.push([
    `experiment, ${total} runs, --parallel ${parallel}${tag}`,
    `${(wall / 1000).toFixed(2)} s`,
    `${(wall / total).toFixed(0)} ms wall per run`,
  ]);
  rows.push([
    `overhead per run (wall·parallel − agent)${tag}`,
    `${((wall * parallel - agentMs) / total).toFixed(0)} ms`,
    'run repository, config commit, diff, judge call, reports',
  ]);
  if (sandbox === 'none') {
    const r = performance.now();
    await runExperiment({ config, testCase, env });
    rows.push([
      `resume of the finished ${total}-run experiment`,
      `${(performance.now() - r).toFixed(0)} ms`,
      'plans every run, touches none, rewrites reports',
    ]);
  }
  await server.close();
  return wall / total;
}

/** One process start inside a run-like sandbox vs without one (median of `n` each, alternating). */
async function sandboxStart(n: number): Promise<void> {
  const choice = await chooseSandbox('bwrap', process.env);
  const ws = mkdtempSync(join(work, 'ws-'));
  const sandbox = choice.create({
    writable: [ws],
    readOnly: toolRoots(process.env, [process.env.HOME ?? '/root']),
    hidden: [work],
    homes: [process.env.HOME ?? '/root'],
    network: 'open',
  });
  const times: Record<'none' | 'bwrap', number[]> = { none: [], bwrap: [] };
  for (let i = 0; i < n; i++)
    for (const kind of ['none', 'bwrap'] as const) {
      const t = performance.now();
      await runProcess({
        cmd: 'true',
        args: [],
        cwd: ws,
        env: process.env,
        sandbox: kind === 'bwrap' ? sandbox : undefined,
      });
      times[kind].push(performance.now() - t);
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  rows.push([
    `sandboxed process start (bwrap − none), median of ${n}`,
    `${(median(times.bwrap) - median(times.none)).toFixed(1)} ms`,
    `none ${median(times.none).toFixed(1)} ms, bwrap ${median(times.bwrap).toFixed(1)} ms`,
  ]);
}

function storeThroughput(n: number): void {
  const store = new Store(join(work, 'tx.db'));
  store.initExperiment({ experimentId: 'bench', configJson: '{}', configHash: 'x', version: '0' });
  const keys = Array.from({ length: n }, (_, i) => ({
    tier: 'T0',
    subtest: String(i % 100).padStart(2, '0'),
    run: Math.floor(i / 100) + 1,
  }));
  store.ensureRuns(keys);
  const t = performance.now();
  for (const k of keys) store.transition(k, 'pending', 'workspace_ready', { branch: 'b' });
  const ms = performance.now() - t;
  store.close();
  rows.push([
    `store: ${n} run transitions (synchronous=FULL)`,
    `${((n / ms) * 1000).toFixed(0)} /s`,
    `${((ms / n) * 1000).toFixed(0)} µs each`,
  ]);
}

async function reports(): Promise<void> {
  const dir = mkdtempSync(join(work, 'synth-'));
  const store = buildSyntheticExperiment(dir);
  const t = performance.now();
  await writeAllReports({ store, expDir: dir, config: null, tiers: tiersFromStore(store) });
  rows.push([
    'reports: all JSON + Markdown + HTML (3 tiers)',
    `${(performance.now() - t).toFixed(0)} ms`,
    'scylla report DIR',
  ]);
  store.close();
}

try {
  const none = await overheadAndResume(2, 10, 4);
  if ((await chooseSandbox('auto', process.env)).kind === 'bwrap') {
    const bwrap = await overheadAndResume(2, 10, 4, 'bwrap');
    rows.push([
      'sandbox cost per run (wall per run, bwrap − none)',
      `${(bwrap - none).toFixed(0)} ms`,
      'agent process in bubblewrap; noisy on a shared machine',
    ]);
    await sandboxStart(40);
  } else rows.push(['sandbox', 'skipped', 'bubblewrap does not work here']);
  storeThroughput(2000);
  await reports();
  rows.push(...(await viewBench(work)));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
console.log(`${'benchmark'.padEnd(w[0])}  ${'result'.padStart(w[1])}  note`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0])}  ${b.padStart(w[1])}  ${c}`);
