// A profile of Scylla's own work per run (not a benchmark): one experiment with an instant command
// agent and the scripted judge, timing each stage of every run from its stored transitions.
// `PATH=/path/to/git-shim:$PATH npx tsx bench/profile-run.ts` also counts git processes.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperimentConfig } from '../src/config/resolve-experiment.js';
import { runExperiment } from '../src/engine/run-experiment.js';
import { loadTestCase } from '../src/fixture/load-test-case.js';
import { openStoreReader } from '../src/store/reader.js';
import { buildTestCase } from '../test/helpers/fixture-builder.js';
import { gitdir } from '../test/helpers/gitdir.js';
import { startModelServer } from '../test/helpers/model-server.js';

const runs = Number(process.env.RUNS ?? 3);
const subtests = Number(process.env.SUBTESTS ?? 8);
const parallel = Number(process.env.PARALLEL ?? 1);
const work = mkdtempSync(join(tmpdir(), 'scylla-prof-'));
const agent = join(work, 'agent.sh');
writeFileSync(
  agent,
  `#!/usr/bin/env bash\ncat > /dev/null\nprintf 'print("Hello, World!")\\n' > hello.py\n` +
    `echo '{"result":"done","usage":{"input_tokens":1000,"output_tokens":100},"cost_usd":0.001,"num_turns":1}'\n`,
);
chmodSync(agent, 0o755);
const verdict = {
  score: 1,
  passed: true,
  reasoning: 'ok',
  criteria_scores: { R001: { score: 1, explanation: 'ok' }, R002: { score: 1, explanation: 'ok' } },
};
const server = await startModelServer({ judge: { default: verdict } });
try {
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
  const out = await runExperiment({ config, testCase, env, skipValidation: true });
  const wall = performance.now() - t;
  const store = openStoreReader(join(out.expDir, 'scylla.db'));
  const per = new Map<string, number[]>();
  for (const r of store.runs()) {
    const tr = store.transitions(r);
    for (let i = 1; i < tr.length; i++) {
      const k = `${tr[i - 1].to_state} → ${tr[i].to_state}`;
      per.set(k, [...(per.get(k) ?? []), Date.parse(tr[i].at) - Date.parse(tr[i - 1].at)]);
    }
  }
  const agentMs = store.runs().reduce((a, r) => a + (r.agent_duration_ms ?? 0), 0);
  store.close();
  const n = runs * subtests;
  console.log(
    `${n} runs, --parallel ${parallel}: ${(wall / 1000).toFixed(2)} s wall, ${(wall / n).toFixed(1)} ms per run, agent ${(agentMs / n).toFixed(1)} ms per run`,
  );
  for (const [k, v] of per)
    console.log(`  ${k.padEnd(36)} mean ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)} ms`);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
