// Many experiments of 24 runs at --parallel 4 (one batch under shared slots): each has exactly 24
// runs in its store and in its reports, every run finalized once, one agent per diff. (The
// original lost 3–6 of 24 runs in 6 of 10 such experiments at its seed.)
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASS_VERDICT, experimentDirs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { assertSound, signingAgent, size } from './kit.js';

const EXPERIMENTS = size(5, 30);

describe('reliability: many experiments of 24 runs at --parallel 4', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ judge: { default: PASS_VERDICT } });
  });
  afterAll(() => server.close());

  it(`${EXPERIMENTS} experiments: exactly 24 runs each in store and reports`, async () => {
    const tests = tmpDir('scylla-many-');
    const repo = gitdir({ 'README.md': '# x\n' });
    const t0: Record<string, object> = {};
    for (let i = 1; i <= 8; i++) t0[`0${i}-same`] = {};
    for (let e = 0; e < EXPERIMENTS; e++) {
      const id = `rel-${String(e).padStart(3, '0')}`;
      const { tiersDir } = buildTestCase({
        repo,
        tiers: { T0: t0 },
        language: 'other',
        extraTestYaml: { id },
      });
      cpSync(tiersDir, join(tests, id), { recursive: true });
    }
    const results = tmpDir('scylla-results-');
    const r = await runScylla(
      [
        'run',
        '--tests-dir',
        tests,
        '--tiers',
        'T0',
        '--runs',
        '3',
        '--parallel',
        '4',
        '--results-dir',
        results,
        '--agent',
        'command',
        '--agent-bin',
        signingAgent(30),
        '--skip-validation',
        '-q',
      ],
      scyllaEnv(server.url),
    );
    expect(r.code, r.stderr).toBe(0);
    for (let e = 0; e < EXPERIMENTS; e++) {
      const id = `rel-${String(e).padStart(3, '0')}`;
      const dirs = experimentDirs(results, id);
      expect(dirs, id).toHaveLength(1);
      assertSound(dirs[0], 24);
      const report = JSON.parse(readFileSync(join(dirs[0], 'report.json'), 'utf8')) as {
        summary: { total_runs: number };
      };
      expect(report.summary.total_runs, id).toBe(24);
    }
    expect(server.requests.filter((q) => q.kind === 'judge')).toHaveLength(24 * EXPERIMENTS);
    console.log(`many experiments: ${EXPERIMENTS} × 24 runs, every run once in store and report`);
  });
});
