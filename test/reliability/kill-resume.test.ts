// kill -9 of Scylla at seeded random moments of a 48-run experiment, then resume: every run is
// finalized exactly once, no finished run's artefacts or branch change, no diff holds two agents'
// work (the agents a killed Scylla left running are ended before the workspace is reused), no agent
// outlives the experiment, and the store stays intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { PASS_VERDICT, experimentDirs, runArgs } from '../helpers/e2e.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { assertSound, finalizedFingerprints, prng, processesUnder, size, signingAgent } from './kit.js';

const SUBTESTS = 8;
const RUNS = 6;
const KILLS = size(5, 20);
const SEED = Number(process.env.SCYLLA_CHAOS_SEED ?? 1301);

describe('reliability: kill -9 at random moments, then resume', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ judge: { default: PASS_VERDICT } });
  });
  afterAll(() => server.close());

  it(`${SUBTESTS * RUNS} runs, ${KILLS} kills (seed ${SEED}): each run finalized once, one agent per diff`, async () => {
    const random = prng(SEED);
    const t0: Record<string, object> = {};
    for (let i = 1; i <= SUBTESTS; i++) t0[`${String(i).padStart(2, '0')}-same`] = {};
    const { tiersDir } = buildTestCase({
      repo: gitdir({ 'README.md': '# x\n' }),
      tiers: { T0: t0 },
      language: 'other',
    });
    const results = tmpDir('scylla-chaos-');
    const args = runArgs(
      tiersDir,
      results,
      { runs: RUNS, parallel: 4 },
      '--agent',
      'command',
      '--agent-bin',
      signingAgent(150, 2500),
      '--skip-validation',
      '-q',
    );
    const env = scyllaEnv(server.url);
    let kills = 0;
    let seen = new Map<string, string>();
    for (let k = 0; k < KILLS; k++) {
      const run = startScylla(args, env);
      // Somewhere between start-up and the middle of the experiment.
      await sleep(1200 + Math.floor(random() * 2500));
      run.child.kill('SIGKILL');
      const r = await run.done;
      if (r.code === 0) break; // it finished before the kill: nothing left to interrupt
      kills++;
      const [expDir] = experimentDirs(results);
      if (!expDir) continue;
      const now = finalizedFingerprints(expDir);
      for (const [key, fp] of seen) expect(now.get(key), `${key} changed after kill ${k + 1}`).toBe(fp);
      seen = now;
    }
    const last = await runScylla(args, env);
    expect(last.code, last.stderr).toBe(0);
    const [expDir] = experimentDirs(results);
    const final = finalizedFingerprints(expDir);
    for (const [key, fp] of seen) expect(final.get(key), `${key} changed by the last resume`).toBe(fp);
    assertSound(expDir, SUBTESTS * RUNS);
    expect(processesUnder(results)).toEqual([]);
    console.log(`kill-resume: ${kills} kills (seed ${SEED}), ${final.size} runs finalized once each`);
    expect(kills).toBeGreaterThan(0);
  });
});
