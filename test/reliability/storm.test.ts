// A 429/529 storm: 30 % of the model requests (agents and judges alike, the real Claude Code CLI
// and the API judge) are refused without a retry-after. The experiment completes, no limited run is
// counted, every pause is recorded with its real length, and the waits are the configured ones
// (--rate-limit-wait), not a fixed minute per limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_AGENT, PASS_VERDICT, experimentDirs, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { prng, rows, size } from './kit.js';

const SUBTESTS = size(3, 8);
const RUNS = size(2, 3);
const WAIT_S = 1;
const SEED = Number(process.env.SCYLLA_CHAOS_SEED ?? 429);

describe('reliability: a 429/529 storm on agents and judges', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({});
  });
  afterAll(() => server.close());

  it(`${SUBTESTS * RUNS} runs with 30 % of requests refused (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const faults = [];
    for (let request = 1; request <= 400; request++)
      if (random() < 0.3) faults.push({ request, status: random() < 0.5 ? 429 : 529 });
    server.setScript({ agent: HELLO_AGENT, judge: { default: PASS_VERDICT }, faults });
    const t0: Record<string, object> = {};
    for (let i = 1; i <= SUBTESTS; i++) t0[`0${i}-same`] = {};
    const { tiersDir } = buildTestCase({
      repo: gitdir({ 'README.md': '# x\n' }),
      tiers: { T0: t0 },
      language: 'other',
    });
    const results = tmpDir('scylla-storm-');
    const started = Date.now();
    const r = await runScylla(
      runArgs(
        tiersDir,
        results,
        { runs: RUNS, parallel: 3 },
        '--rate-limit-wait',
        String(WAIT_S),
        '--skip-validation',
        '-q',
      ),
      scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '0' }),
    );
    const wallS = (Date.now() - started) / 1000;
    expect(r.code, r.stderr).toBe(0);
    const [expDir] = experimentDirs(results);
    const runsRows = rows<{ state: string; agent_outcome: string; attempt: number }>(
      expDir,
      'SELECT state, agent_outcome, attempt FROM runs',
    );
    expect(runsRows).toHaveLength(SUBTESTS * RUNS);
    for (const row of runsRows) expect(row).toMatchObject({ state: 'cleaned', agent_outcome: 'completed' });
    // Counted once: one valid judgment per run, on the run's final attempt.
    const judged = rows<{ n: number; valid: number }>(
      expDir,
      `SELECT COUNT(*) AS n, MIN(j.valid) AS valid FROM judgments j JOIN runs r
       ON j.tier = r.tier AND j.subtest = r.subtest AND j.run = r.run AND j.attempt = r.attempt
       GROUP BY j.tier, j.subtest, j.run`,
    );
    expect(judged).toHaveLength(SUBTESTS * RUNS);
    for (const j of judged) expect(j).toEqual({ n: 1, valid: 1 });
    const pauses = rows<{ started_at: string; until: string; ended_at: string | null; source: string }>(
      expDir,
      'SELECT started_at, until, ended_at, source FROM pauses',
    );
    const refused = server.requests.filter((q) => q.status === 429 || q.status === 529).length;
    expect(refused).toBeGreaterThan(0);
    expect(pauses.length).toBeGreaterThan(0);
    const lengths = pauses.map((p) => (Date.parse(p.ended_at ?? '') - Date.parse(p.started_at)) / 1000);
    for (const l of lengths) {
      expect(l).toBeGreaterThanOrEqual(WAIT_S * 0.9);
      expect(l).toBeLessThan(WAIT_S * 10); // a failed probe adds one more wait, never a minute
    }
    const paused = lengths.reduce((a, b) => a + b, 0);
    // The configured waits plus the probe (one small agent run) that ends each pause: on average
    // within 2× of --rate-limit-wait, plus one probe.
    const [{ agentS }] = rows<{ agentS: number }>(
      expDir,
      'SELECT AVG(agent_duration_ms) / 1000.0 AS agentS FROM runs',
    );
    expect(paused / pauses.length).toBeLessThanOrEqual(2 * WAIT_S + agentS);
    console.log(
      `storm: ${refused} of ${server.requests.length} requests refused, ${pauses.length} pauses ` +
        `(${pauses.filter((p) => p.source === 'judge').length} judge), ${paused.toFixed(1)} s paused, ${wallS.toFixed(1)} s wall`,
    );
  });
});
