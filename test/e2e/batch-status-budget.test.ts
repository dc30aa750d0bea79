// Issue 5: batches of test cases under one set of slots, `scylla status`, and the dollar cap.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_AGENT, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { cpSync, mkdirSync } from 'node:fs';

const SCRIPT = {
  agent: HELLO_AGENT,
  judge: {
    default: {
      score: 1,
      passed: true,
      reasoning: 'ok',
      criteria_scores: { R001: { score: 1, explanation: 'ok' }, R002: { score: 1, explanation: 'ok' } },
    },
  },
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer(SCRIPT);
});
afterAll(() => server.close());

function testCase(id: string, subtests = 1): string {
  const repo = gitdir({ 'README.md': `# ${id}\n` });
  const t0: Record<string, object> = {};
  for (let i = 1; i <= subtests; i++) t0[`0${i}-plain`] = {};
  const { tiersDir } = buildTestCase({ repo, tiers: { T0: t0 }, language: 'other', extraTestYaml: { id } });
  return tiersDir;
}

describe('batches, status and the budget', () => {
  it('--tests-dir with --tests runs every matching test case under shared slots and writes batch.json / batch.md', async () => {
    const tests = tmpDir('scylla-tests-');
    for (const id of ['test-001', 'test-002', 'other-003']) {
      const src = testCase(id);
      mkdirSync(join(tests, id));
      cpSync(src, join(tests, id), { recursive: true });
      // resources_dir is relative to the case, so the copy keeps working; the repo path is absolute.
    }
    const results = tmpDir('scylla-results-');
    const r = await runScylla(
      [
        'run',
        '--tests-dir',
        tests,
        '--tests',
        'test-*',
        '--tiers',
        'T0',
        '--runs',
        '1',
        '--parallel',
        '2',
        '--results-dir',
        results,
      ],
      scyllaEnv(server.url),
    );
    expect(r.code, r.stderr).toBe(0);
    const dirs = readdirSync(results)
      .filter((d) => /^\d{4}-/.test(d))
      .sort();
    expect(dirs.map((d) => d.replace(/^.*T\d\d-\d\d-\d\d-/, ''))).toEqual(['test-001', 'test-002']);
    const batch = JSON.parse(readFileSync(join(results, 'batch.json'), 'utf8'));
    expect(
      batch.test_cases.map((t: { test_case: string; status: string }) => [t.test_case, t.status]),
    ).toEqual([
      ['test-001', 'completed'],
      ['test-002', 'completed'],
    ]);
    expect(batch.test_cases[0].tiers[0]).toMatchObject({ tier: 'T0', best_subtest: '01', pass_rate: 1 });
    const md = readFileSync(join(results, 'batch.md'), 'utf8');
    expect(md).toMatch(/\| test-002 \| completed \| T0 \| 01 \| 1\.000 \| 100\.0% \|/);
    expect(r.stdout).toContain('Batch summary');
    // Each experiment's log holds its own lines only; the terminal says which test case a line is about.
    for (const d of dirs) {
      const id = d.replace(/^.*T\d\d-\d\d-\d\d-/, '');
      const log = readFileSync(join(results, d, 'experiment.log.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(log.length).toBeGreaterThan(3);
      expect(log.map((l) => (JSON.parse(l) as { experiment?: string }).experiment)).toEqual(
        log.map(() => id),
      );
    }
    expect(r.stderr).toMatch(/\[test-002\] T0\/01\/run_01: PASS/);

    // scylla status on the results dir reads the newest experiment from its store alone.
    const st = await runScylla(['status', join(results, dirs[1]), '--json'], scyllaEnv(server.url));
    expect(st.code, st.stderr).toBe(0);
    const s = JSON.parse(st.stdout);
    expect(s).toMatchObject({
      experimentId: 'test-002',
      status: 'completed',
      total: 1,
      done: 1,
      passed: 1,
      ownerAlive: false,
    });
  });

  it('--max-cost-usd: no run starts past the cap, the experiment stops as budget_exhausted, a higher cap resumes it', async () => {
    const tiersDir = testCase('test-001', 3);
    const results = tmpDir('scylla-results-');
    const args = runArgs(tiersDir, results, { runs: 1, parallel: 1 });
    const capped = await runScylla([...args, '--max-cost-usd', '0.015'], scyllaEnv(server.url));
    expect(capped.code).toBe(4); // stopped early, resumable
    expect(capped.stderr).toContain('budget exhausted');
    const expDir = join(
      results,
      readdirSync(results).find((d) => d.endsWith('-test-001'))!,
    );
    const db = () => new Database(join(expDir, 'scylla.db'), { readonly: true });
    let d = db();
    expect((d.prepare('SELECT status FROM experiment').get() as { status: string }).status).toBe(
      'budget_exhausted',
    );
    const spent = (d.prepare('SELECT SUM(cost_usd) AS s FROM runs').get() as { s: number }).s;
    expect(spent).toBeLessThanOrEqual(0.015);
    expect(
      (d.prepare("SELECT COUNT(*) AS n FROM runs WHERE state = 'cleaned'").get() as { n: number }).n,
    ).toBe(1);
    d.close();
    const more = await runScylla([...args, '--max-cost-usd', '1'], scyllaEnv(server.url));
    expect(more.code, more.stderr).toBe(0);
    d = db();
    expect(
      (d.prepare("SELECT COUNT(*) AS n FROM runs WHERE state = 'cleaned'").get() as { n: number }).n,
    ).toBe(3);
    d.close();
  });
});
