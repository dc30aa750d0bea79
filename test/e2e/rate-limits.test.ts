// Issue 5, end to end with the real Claude Code CLI: one rate-limit pause for every worker, whether
// the CLI gave up on the limit, retried it by itself, or hit it in another test case of a batch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_AGENT as AGENT, dbRows as db, PASS_VERDICT as VERDICT, runArgs } from '../helpers/e2e.js';
import { caseWith, expDirIn, expectOnePauseWithoutLaunches } from '../helpers/e2e-runs.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: AGENT, judge: { default: VERDICT } });
});
afterAll(() => server.close());

describe('rate limits pause every worker', () => {
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
    const launches = expectOnePauseWithoutLaunches([expDir], 2900);
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
    const launches = expectOnePauseWithoutLaunches([expDir], 2900);
    expect(db<{ ended_at: string | null }>(expDir, 'SELECT ended_at FROM pauses')[0].ended_at).not.toBeNull();
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
    // One pause, recorded by the test case that hit it, and no agent of either started during it.
    const launches = expectOnePauseWithoutLaunches(dirs, 3900);
    expect(launches).toHaveLength(9); // 8 runs + the redone one
  });
});
