// Statistics building blocks: seeded PRNG, bootstrap CIs, Fisher's exact test, selection, agreement.
import { describe, expect, it } from 'vitest';
import { mean, median, quantileSorted } from 'simple-statistics';
import { judgeAgreement } from '../../src/stats/agreement.js';
import { BOOTSTRAP, bootstrapCi, bootstrapDiffCi } from '../../src/stats/bootstrap.js';
import { fisherExact } from '../../src/stats/fisher.js';
import { mulberry32, seedFor } from '../../src/stats/prng.js';
import { selectBest } from '../../src/stats/select-best.js';
import { consistency, costOfPass, subtestStats, type RunOutcome } from '../../src/stats/subtest-stats.js';

const run = (n: number, score: number, passed: boolean, cost = 0.1): RunOutcome => ({
  run: n,
  score,
  passed,
  grade: null,
  costUsd: cost,
  tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
  durationSeconds: 1,
  agentDurationSeconds: 1,
  judgeDurationSeconds: 0,
  agentOutcome: 'completed',
  exitCode: 0,
  numTurns: 1,
  criteria: {},
  judges: [],
});

describe('stats', () => {
  it('mulberry32 is deterministic and seeds differ per key', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seedFor('T0/00:median_score')).not.toBe(seedFor('T0/01:median_score'));
  });

  it('bootstrap CIs are reproducible, bracket the estimate, and collapse on constant data', () => {
    const xs = [0.1, 0.4, 0.5, 0.7, 0.9, 0.95];
    const ci = bootstrapCi(xs, 'median', 'k')!;
    expect(bootstrapCi(xs, 'median', 'k')).toEqual(ci);
    expect(ci[0]).toBeLessThan(median(xs));
    expect(ci[1]).toBeGreaterThan(median(xs));
    expect(bootstrapCi([1, 1, 1], 'mean', 'k')).toEqual([1, 1]);
    expect(bootstrapCi([], 'mean', 'k')).toBeNull();
    expect(bootstrapDiffCi([1, 1], [0, 0], 'mean', 'd')).toEqual([1, 1]);
  });

  it('bootstrap CIs are exactly those of plain resampling with simple-statistics (ties, odd and even sizes)', () => {
    // The plain form: draw xs[floor(rnd() · n)] n times, take mean/median of the copy.
    const plain = (groups: number[][], stat: 'mean' | 'median', key: string): [number, number] => {
      const f = stat === 'mean' ? mean : median;
      const rnd = mulberry32(seedFor(key, BOOTSTRAP.seed));
      const draw = (xs: number[]) => f(xs.map(() => xs[Math.floor(rnd() * xs.length)]));
      const est = Array.from({ length: BOOTSTRAP.iterations }, () =>
        groups.length === 1 ? draw(groups[0]) : draw(groups[0]) - draw(groups[1]),
      ).sort((a, b) => a - b);
      const tail = (1 - BOOTSTRAP.level) / 2;
      return [quantileSorted(est, tail), quantileSorted(est, 1 - tail)];
    };
    const gen = mulberry32(7);
    const sample = (n: number, distinct: number) =>
      Array.from({ length: n }, () => Math.floor(gen() * distinct) / distinct + (distinct > 50 ? gen() : 0));
    const passFail = (n: number) => Array.from({ length: n }, () => (gen() < 0.6 ? 1 : 0));
    for (const n of [1, 2, 5, 500]) {
      const [a, b] = [passFail(n), passFail(n + 3)];
      expect(bootstrapCi(a, 'mean', `p${n}`)).toEqual(plain([a], 'mean', `p${n}`));
      expect(bootstrapDiffCi(a, b, 'mean', `q${n}`)).toEqual(plain([a, b], 'mean', `q${n}`));
    }
    for (const n of [1, 2, 3, 4, 7, 10, 31, 500])
      for (const distinct of [1, 2, 5, 1000]) {
        const a = sample(n, distinct);
        const b = sample(n + 1, distinct);
        for (const stat of ['mean', 'median'] as const) {
          expect(bootstrapCi(a, stat, `k${n}`), `${stat} n=${n} d=${distinct}`).toEqual(
            plain([a], stat, `k${n}`),
          );
          expect(bootstrapDiffCi(a, b, stat, `d${n}`)).toEqual(plain([a, b], stat, `d${n}`));
        }
      }
  });

  it("Fisher's exact test matches known two-sided p-values", () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.4857, 4);
    expect(fisherExact(10, 0, 0, 10)).toBeCloseTo(1.0825e-5, 9);
    expect(fisherExact(1, 9, 11, 3)).toBeCloseTo(0.002759, 6);
    expect(fisherExact(2, 2, 2, 2)).toBeCloseTo(1, 12);
  });

  it('consistency and cost-of-pass follow spec §7.1 / §7.3 (∞ → null)', () => {
    expect(consistency([0.5])).toBe(1);
    expect(consistency([0, 0])).toBe(0);
    expect(consistency([0.1, 0.9])).toBe(0);
    expect(costOfPass(0.3, 0.5)).toBeCloseTo(0.6);
    expect(costOfPass(0.3, 0)).toBeNull();
    expect(subtestStats([run(1, 0.2, false), run(2, 0.4, false)]).costOfPass).toBeNull();
  });

  it('selects by median, breaks near-ties with the composite, keeps directory order on equal composites', () => {
    const s = (id: string, runs: RunOutcome[]) => ({ id, stats: subtestStats(runs) });
    const clear = selectBest([s('00', [run(1, 0.5, false)]), s('01', [run(1, 0.9, true)])])!;
    expect(clear).toMatchObject({ winner: '01', tieBreakerUsed: false, margin: 0.4 });
    // 00 has the higher median (0.82 vs 0.80) but 01 passes and is cheaper: composite decides.
    const tie = selectBest([s('00', [run(1, 0.82, false, 0.9)]), s('01', [run(1, 0.8, true, 0.1)])])!;
    expect(tie).toMatchObject({ winner: '01', tieBreakerUsed: true });
    expect(tie.reason).toMatch(/tie-break composite 00=.* vs 01=/);
    const same = selectBest([s('00', [run(1, 0.8, true)]), s('01', [run(1, 0.8, true)])])!;
    expect(same.winner).toBe('00');
    expect(selectBest([s('00', [])])).toBeNull();
  });

  it("measures inter-judge agreement (Cohen's kappa on pass/fail)", () => {
    const j = (n: number, score: number, passed: boolean) => ({
      judgeNumber: n,
      model: `m${n}`,
      valid: true,
      score,
      passed,
      grade: null,
    });
    const a = judgeAgreement([
      [j(1, 0.9, true), j(2, 0.8, true)],
      [j(1, 0.2, false), j(2, 0.3, false)],
      [j(1, 0.7, true), j(2, 0.4, false)],
      [j(1, 0.1, false), { ...j(2, 0, false), valid: false, score: null, passed: null }],
    ]);
    expect(a.runsWithMultipleJudges).toBe(3);
    expect(a.judges[1]).toMatchObject({ validJudgments: 3, invalidJudgments: 1 });
    // po = 2/3; pa = 2/3, pb = 1/3 → pe = 2/9 + 2/9 = 4/9; κ = (2/3 − 4/9) / (5/9) = 0.4.
    expect(a.pairs[0].passAgreement).toBeCloseTo(2 / 3);
    expect(a.pairs[0].cohenKappa).toBeCloseTo(0.4);
    expect(a.pairs[0].meanAbsScoreDiff).toBeCloseTo(0.5 / 3);
  });
});
