// Golden test: a synthetic store with known runs; every number of the experiment report.json is
// pinned (golden file), the key ones are also checked by hand, and regeneration is byte-identical.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperimentConfig, tiersFromStore } from '../../src/report/store-tiers.js';
import { writeAllReports } from '../../src/report/write-reports.js';
import type { ExperimentStats } from '../../src/stats/experiment-stats.js';
import type { Store } from '../../src/store/store.js';
import { tmpDir } from '../helpers/tmp.js';
import { buildSyntheticExperiment } from './synthetic-experiment.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'synthetic-report.json');
const REPORTS = [
  'report.json',
  'T0/report.json',
  'T0/00/report.json',
  'T1/report.json',
  'T1/02/report.json',
  'T2/01/report.json',
];

describe('experiment report on a synthetic store', () => {
  let expDir: string;
  let store: Store;
  let stats: ExperimentStats;
  beforeAll(async () => {
    expDir = tmpDir('scylla-golden-');
    store = buildSyntheticExperiment(expDir);
    stats = await writeAllReports({
      store,
      expDir,
      config: loadExperimentConfig(expDir, store),
      tiers: tiersFromStore(store),
    });
  });
  afterAll(() => store.close());

  it('matches the golden report.json number for number (CIs and tie-break path included)', () => {
    expect(JSON.parse(readFileSync(join(expDir, 'report.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(GOLDEN, 'utf8')),
    );
  });

  it('has the hand-computed statistics', () => {
    const j = JSON.parse(readFileSync(join(expDir, 'report.json'), 'utf8'));
    const [t0, t1, t2] = j.children;
    // T0: medians 0.75 vs 0.73, margin 0.02 < 0.05 → composite 0.4·0.75 + 0.3·0.75 + 0.2·0.521673 + 0.1·0.9 = 0.719335 wins.
    expect(t0.selection).toMatchObject({ winner: '00', margin: 0.02, tiebreaker_used: true });
    expect(t0.selection.ranking).toEqual([
      { subtest: '00', median: 0.75, composite: 0.719335 },
      { subtest: '01', median: 0.73, composite: 0.69294 },
    ]);
    expect(t0.subtests[0].summary).toMatchObject({
      pass_rate: 0.75,
      mean_score: 0.65,
      std_dev: 0.310913,
      consistency: 0.521673,
      cost_of_pass: 0.133333,
    });
    // Subtests without finalized runs are listed but are no candidates; a never-passing tier has CoP null (∞).
    expect(t1.subtests[1].summary).toMatchObject({ total_runs: 0, cost_of_pass: null, pass_rate_ci: null });
    expect(t2.summary.cost_of_pass).toBeNull();
    // Fisher: [[0,2],[3,1]] → P(0) + P(2) = 0.2 + 0.2; [[4,0],[3,1]] → 1.
    expect(t2.vs_t0).toMatchObject({
      candidate: 'T2/01',
      baseline: 'T0/00',
      median_score_diff: -0.35,
      pass_rate_diff: -0.75,
      fisher_p: 0.4,
    });
    expect(t1.vs_t0.fisher_p).toBe(1);
    expect(j.summary).toMatchObject({
      best_tier: 'T1',
      best_subtest: '01',
      frontier_tier: 'T0',
      frontier_cop: 0.133333,
      total_runs: 14,
      passed_runs: 10,
    });
    // CIs are percentile-bootstrap intervals of the observed values.
    for (const t of j.children)
      for (const s of t.subtests)
        if (s.summary.median_score_ci) {
          const [lo, hi] = s.summary.median_score_ci;
          expect(lo).toBeLessThanOrEqual(s.summary.median_score);
          expect(hi).toBeGreaterThanOrEqual(s.summary.median_score);
        }
    expect(j.agreement.pairs[0]).toMatchObject({ judges: [1, 2], runs: 14, pass_agreement: 0.928571 });
    expect(stats.bestTier).toBe('T1');
  });

  it('regenerates byte-identical JSON reports from scratch', async () => {
    const before = REPORTS.map((f) => readFileSync(join(expDir, f), 'utf8'));
    for (const f of REPORTS) rmSync(join(expDir, f));
    await writeAllReports({
      store,
      expDir,
      config: loadExperimentConfig(expDir, store),
      tiers: tiersFromStore(store),
      formats: ['json'],
    });
    expect(REPORTS.map((f) => readFileSync(join(expDir, f), 'utf8'))).toEqual(before);
  });

  it('writes Markdown with ★ marks, filled criteria matrices, "—" for infinite cost-of-pass and the footer', () => {
    const t0 = readFileSync(join(expDir, 'T0/report.md'), 'utf8');
    expect(t0).toContain('| ★ [00](00/report.md) |');
    expect(t0).toContain('| R002 | ***0.700*** | 0.660 |');
    const sub = readFileSync(join(expDir, 'T0/00/report.md'), 'utf8');
    expect(sub).toContain('| ★ [run_01](run_01/report.md) | 0.900 |');
    const run = readFileSync(join(expDir, 'T0/00/run_01/report.md'), 'utf8');
    expect(run).toContain('| R002 | 0.950 | output ok |');
    expect(run).toContain('Reasoning: synthetic | reasoning');
    const root = readFileSync(join(expDir, 'report.md'), 'utf8');
    expect(root).toMatch(
      /\| \[T2\]\(T2\/report\.md\) \| \[01\]\(T2\/01\/report\.md\) \| 0\.400 \[0\.300, 0\.500\] \| 0\.0% \[0\.0%, 0\.0%\] \| \$0\.4000 \| — \|/,
    );
    for (const f of ['report.md', 'T0/report.md', 'T0/00/report.md', 'T0/00/run_01/report.md'])
      expect(readFileSync(join(expDir, f), 'utf8').trimEnd().endsWith('*Generated by scylla 0.1.0*')).toBe(
        true,
      );
  });
});
