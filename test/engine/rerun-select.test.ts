// Rerun filters: statuses, --where on stored fields, tiers/subtests/runs, and usage errors that list
// what is valid.
import { describe, expect, it } from 'vitest';
import {
  parseStatuses,
  parseWhere,
  selectRuns,
  statusesOf,
  type RunSelection,
} from '../../src/engine/rerun-select.js';
import { UsageError } from '../../src/errors.js';
import type { RunRow } from '../../src/store/rows.js';

const row = (over: Partial<RunRow>): RunRow => ({
  tier: 'T0',
  subtest: '01',
  run: 1,
  state: 'cleaned',
  attempt: 1,
  failure: null,
  failure_detail: null,
  branch: null,
  base_commit: null,
  config_commit: null,
  agent_commit: null,
  agent_outcome: 'completed',
  passed: 1,
  score: 0.9,
  grade: 'A',
  cost_usd: 0.2,
  agent_duration_ms: 1000,
  judge_duration_ms: 100,
  created_at: '',
  updated_at: '',
  finalized_at: null,
  ...over,
});
const none: RunSelection = { tiers: [], subtests: [], runs: [], statuses: [], where: [] };
const rows = [
  row({}),
  row({ run: 2, passed: 0, score: 0.3, agent_outcome: 'timed_out' }),
  row({ subtest: '02', state: 'infra_failed', passed: null, score: null, agent_outcome: 'infra_failed' }),
  row({ tier: 'T1', run: 1, state: 'judge_failed', passed: null, score: null }),
  row({ tier: 'T1', run: 2, state: 'pending', agent_outcome: null, passed: null, score: null }),
];
const keys = (rs: RunRow[]) => rs.map((r) => `${r.tier}/${r.subtest}/${r.run}`);

describe('rerun selection', () => {
  it('statuses a run has', () => {
    expect([...statusesOf(rows[1])].sort()).toEqual(['failed', 'finalized', 'timed_out']);
    expect([...statusesOf(rows[2])].sort()).toEqual(['infra_failed', 'unfinished']);
    expect([...statusesOf(rows[4])]).toEqual(['pending']);
  });

  it('filters by tier, subtest, run, status and stored fields', () => {
    expect(keys(selectRuns(rows, { ...none, tiers: ['T1'] }))).toEqual(['T1/01/1', 'T1/01/2']);
    expect(keys(selectRuns(rows, { ...none, subtests: ['T0/02'] }))).toEqual(['T0/02/1']);
    expect(keys(selectRuns(rows, { ...none, subtests: ['01'], runs: [2] }))).toEqual(['T0/01/2', 'T1/01/2']);
    expect(keys(selectRuns(rows, { ...none, statuses: ['infra_failed', 'judge_failed'] }))).toEqual([
      'T0/02/1',
      'T1/01/1',
    ]);
    expect(keys(selectRuns(rows, { ...none, where: [parseWhere('score<0.5')] }))).toEqual(['T0/01/2']);
    expect(
      keys(
        selectRuns(rows, {
          ...none,
          where: [parseWhere('cost_usd>=0.2'), parseWhere('agent_outcome=timed_out')],
        }),
      ),
    ).toEqual(['T0/01/2']);
    expect(keys(selectRuns(rows, { ...none, where: [parseWhere('score=null')] }))).toEqual([
      'T0/02/1',
      'T1/01/1',
      'T1/01/2',
    ]);
  });

  it('the current judge set supplies score, passed and grade', () => {
    const v = new Map([
      [
        'T0/01/1',
        {
          tier: 'T0',
          subtest: '01',
          run: 1,
          judge_set: 2,
          attempt: 1,
          valid: 1,
          passed: 0,
          score: 0.1,
          grade: 'F',
          judge_duration_ms: 1,
          created_at: '',
        },
      ],
    ]);
    expect(keys(selectRuns(rows, { ...none, where: [parseWhere('score<0.5')] }, v))).toEqual([
      'T0/01/1',
      'T0/01/2',
    ]);
  });

  it('unknown names are usage errors that list the valid ones', () => {
    expect(() => parseWhere('scroe<1')).toThrow(UsageError);
    expect(() => parseWhere('scroe<1')).toThrow(/unknown field 'scroe' \(known: score, passed/);
    expect(() => parseWhere('score')).toThrow(/expected FIELD OP VALUE/);
    expect(() => parseStatuses(['passed', 'broken'])).toThrow(
      /unknown status 'broken' \(known: passed, failed/,
    );
  });
});
