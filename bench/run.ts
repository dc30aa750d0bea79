// `npm run bench`: what Scylla itself costs, apart from the agents and judges it waits for.
// Prints one table. Numbers are wall-clock on this machine; run it on an idle machine to compare.
//  - overhead per run: a full experiment with a trivial command agent (a shell script) and the
//    scripted judge server; overhead = wall time per run minus the agent process's own time
//  - resume: re-running the finished experiment (plans every run, touches none)
//  - store: run-state transitions per second (each one a durable SQLite transaction)
//  - reports: regenerating every report (JSON, Markdown, HTML) of a 3-tier synthetic store
//  - view: `scylla view` over a 10,000-run experiment and 50 more (bench/view.ts), against its targets
//  - queue: overhead per run of `--queue` over local, throughput with 1, 2, 4 workers (bench/queue.ts)
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperimentConfig } from '../src/config/resolve-experiment.js';
import { runExperiment } from '../src/engine/run-experiment.js';
import { loadTestCase } from '../src/fixture/load-test-case.js';
import { writeAllReports } from '../src/report/write-reports.js';
import { tiersFromStore } from '../src/report/store-tiers.js';
import { Store } from '../src/store/store.js';
import { buildTestCase } from '../test/helpers/fixture-builder.js';
import { gitdir } from '../test/helpers/gitdir.js';
import { startModelServer } from '../test/helpers/model-server.js';
import { buildSyntheticExperiment } from '../test/report/synthetic-experiment.js';
import { queueBench } from './queue.js';
import { viewBench } from './view.js';

const rows: [string, string, string][] = [];
const work = mkdtempSync(join(tmpdir(), 'scylla-bench-'));

async function overheadAndResume(runs: number, subtests: number, parallel: number): Promise<void> {
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
      resultsDir: join(work, 'results'),
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
  rows.push([
    `experiment, ${total} runs, --parallel ${parallel}`,
    `${(wall / 1000).toFixed(2)} s`,
    `${(wall / total).toFixed(0)} ms wall per run`,
  ]);
  rows.push([
    'overhead per run (wall·parallel − agent)',
    `${((wall * parallel - agentMs) / total).toFixed(0)} ms`,
    'git worktree, config commit, diff, judge call, reports',
  ]);
  const r = performance.now();
  await runExperiment({ config, testCase, env });
  rows.push([
    `resume of the finished ${total}-run experiment`,
    `${(performance.now() - r).toFixed(0)} ms`,
    'plans every run, touches none, rewrites reports',
  ]);
  await server.close();
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
  await overheadAndResume(2, 10, 4);
  storeThroughput(2000);
  await reports();
  rows.push(...(await queueBench(work)));
  rows.push(...(await viewBench(work)));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
console.log(`${'benchmark'.padEnd(w[0])}  ${'result'.padStart(w[1])}  note`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0])}  ${b.padStart(w[1])}  ${c}`);
