// The dollar cap and the recorded tier/group winners, on a real store without running anything.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Budget } from '../../src/engine/budget.js';
import { recordWinners } from '../../src/engine/tier-baselines.js';
import type { Tier } from '../../src/fixture/discover.js';
import { Store, type RunKey } from '../../src/store/store.js';
import { advanceTo } from '../helpers/store-runs.js';
import { tmpDir } from '../helpers/tmp.js';

function storeIn(dir: string): Store {
  const store = new Store(join(dir, 'scylla.db'));
  store.initExperiment({ experimentId: 'x', configJson: '{}', configHash: 'h', version: '0' });
  return store;
}

/** Drive a run to `finalized` with this score and cost. */
function finish(store: Store, k: RunKey, score: number, cost: number): void {
  store.ensureRuns([k]);
  advanceTo(store, k, 'pipeline_done', (stage) =>
    stage === 'agent_done' ? { cost_usd: cost, agent_outcome: 'completed' } : {},
  );
  store.recordJudging(k, [], { valid: true, passed: score >= 0.5, score, grade: 'B', judgeDurationMs: 1 });
  store.transition(k, 'judged', 'finalized', { finalized_at: new Date().toISOString() });
}

const tier = (id: string, subtests: string[]): Tier =>
  ({ id, dir: '', subtests: subtests.map((s) => ({ id: s, name: s, description: '' })) }) as unknown as Tier;

describe('Budget', () => {
  it('starts an agent only while spent + running × mean cost stays within the cap', () => {
    const store = storeIn(tmpDir('scylla-budget-'));
    const b = new Budget(1.0, store);
    expect(b.canStart()).toBe(true); // no mean yet
    finish(store, { tier: 'T0', subtest: '00', run: 1 }, 1, 0.3);
    finish(store, { tier: 'T0', subtest: '00', run: 2 }, 1, 0.3);
    expect(b.spent()).toBeCloseTo(0.6);
    expect(b.canStart()).toBe(true); // 0.6 + 0.3 ≤ 1
    b.started();
    expect(b.projected()).toBeCloseTo(0.9);
    expect(b.canStart()).toBe(false); // 0.6 + 2 × 0.3 > 1
    b.finished();
    expect(b.canStart()).toBe(true);
    expect(new Budget(null, store).canStart()).toBe(true);
    store.close();
  });

  it('counts what discarded attempts cost', () => {
    const store = storeIn(tmpDir('scylla-budget-'));
    const k = { tier: 'T0', subtest: '00', run: 1 };
    store.ensureRuns([k]);
    store.transition(k, 'pending', 'infra_failed', { failure: 'infra_failed', cost_usd: 0.7 });
    store.discardAttempt(k, 'infra_failed', 'redo');
    expect(new Budget(0.5, store).spent()).toBeCloseTo(0.7);
    store.close();
  });
});

describe('recordWinners', () => {
  it('records a tier winner once every run of the tier is final, and the group winner by cost-of-pass', () => {
    const dir = tmpDir('scylla-winners-');
    const store = storeIn(dir);
    for (const [t, s] of [
      ['T0', '00'],
      ['T0', '01'],
      ['T1', '00'],
    ])
      store.putSubtest(t, s, `fp-${t}${s}`, JSON.stringify({ name: `${t}/${s}` }));
    finish(store, { tier: 'T0', subtest: '00', run: 1 }, 0.4, 0.1);
    finish(store, { tier: 'T0', subtest: '01', run: 1 }, 0.9, 0.5);
    store.ensureRuns([{ tier: 'T1', subtest: '00', run: 1 }]);
    const tiers = [tier('T0', ['00', '01']), tier('T1', ['00'])];

    recordWinners(store, dir, tiers);
    expect(store.tierWinner('T0')?.subtest).toBe('01');
    expect(store.tierWinner('T1')).toBeUndefined();
    expect(store.groupWinner('T0,T1')).toBeUndefined(); // T1 is not finished

    finish(store, { tier: 'T1', subtest: '00', run: 1 }, 0.8, 0.2);
    recordWinners(store, dir, tiers);
    expect(store.tierWinner('T1')?.subtest).toBe('00');
    // T1/00 passes at $0.20 a pass, T0/01 at $0.50: the cheaper pass wins the group.
    expect(store.groupWinner('T0,T1')).toEqual({ tier: 'T1', subtest: '00' });
    expect(store.tierWinner('T0')?.resolved_json).toBe(JSON.stringify({ name: 'T0/01' }));
    store.close();
  });

  it('a group without a passing run still hands on its best-scoring configuration', () => {
    const dir = tmpDir('scylla-winners-');
    const store = storeIn(dir);
    store.putSubtest('T0', '00', 'fp', '{}');
    store.putSubtest('T1', '00', 'fp1', '{}');
    finish(store, { tier: 'T0', subtest: '00', run: 1 }, 0.1, 0.1);
    finish(store, { tier: 'T1', subtest: '00', run: 1 }, 0.3, 0.1);
    recordWinners(store, dir, [tier('T0', ['00']), tier('T1', ['00'])]);
    // No cost-of-pass anywhere: the higher score decides.
    expect(store.groupWinner('T0,T1')).toEqual({ tier: 'T1', subtest: '00' });
    store.close();
  });
});
