// The pure planner: tier groups and the fate of every run given the stored rows.
import { describe, expect, it } from 'vitest';
import { planRuns, summarizePlan, tierGroups } from '../../src/engine/planner.js';
import type { RunRow } from '../../src/store/store.js';

const row = (run: number, state: RunRow['state']): RunRow => ({
  tier: 'T0',
  subtest: '01',
  run,
  state,
  attempt: 1,
  failure: null,
  failure_detail: null,
  branch: null,
  base_commit: null,
  config_commit: null,
  agent_commit: null,
  agent_outcome: null,
  passed: null,
  score: null,
  grade: null,
  cost_usd: null,
  agent_duration_ms: null,
  judge_duration_ms: null,
  created_at: '',
  updated_at: '',
  finalized_at: null,
});

describe('tierGroups', () => {
  it('groups T0–T4, then T5, then T6, over the requested tiers only', () => {
    expect(tierGroups(['T6', 'T1', 'T5', 'T0', 'T3', 'T2', 'T4'])).toEqual([
      ['T0', 'T1', 'T2', 'T3', 'T4'],
      ['T5'],
      ['T6'],
    ]);
    expect(tierGroups(['T0', 'T5'])).toEqual([['T0'], ['T5']]);
    expect(tierGroups(['T6', 'T2'])).toEqual([['T2', 'T6']]);
  });
});

describe('planRuns', () => {
  it('skips finished runs, continues stopped ones at their stage, redoes non-results, starts new ones', () => {
    const rows = [
      row(1, 'cleaned'),
      row(2, 'agent_done'),
      row(3, 'rate_limited'),
      row(4, 'judge_failed'),
      row(5, 'finalized'),
      row(6, 'interrupted'),
    ];
    const plan = planRuns([{ tier: 'T0', subtest: '01' }], 7, rows);
    expect(plan.map((p) => [p.run, p.action, p.stage])).toEqual([
      [1, 'skip', null],
      [2, 'continue', 'agent_done'],
      [3, 'redo', 'pending'],
      [4, 'continue', 'pipeline_done'],
      [5, 'continue', 'finalized'],
      [6, 'redo', 'pending'],
      [7, 'start', 'pending'],
    ]);
    expect(summarizePlan(plan)).toEqual({ skip: 2, start: 1, continue: 2, redo: 2 });
  });
});
