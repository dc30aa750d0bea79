// The store's contract: compare-and-set transitions (a finished run is never advanced twice),
// attempts discarded with their cost, judgments and their transition in one transaction, typed
// entries, one owner at a time, and a read-only open that never writes (old schemas included).
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NotAnExperimentError } from '../../src/errors.js';
import { openStoreReader } from '../../src/store/reader.js';
import type { KvValue } from '../../src/store/kv.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';
import { advanceTo } from '../helpers/store-runs.js';
import { tmpDir } from '../helpers/tmp.js';

const key = { tier: 'T0', subtest: '00', run: 1 };

function newStore(): Store {
  const store = new Store(join(tmpDir('scylla-store-'), 'scylla.db'));
  store.initExperiment({ experimentId: 'x', configJson: '{}', configHash: 'h', version: '0' });
  store.ensureRuns([key, { ...key, run: 2 }]);
  return store;
}

const judgment = (n: number, valid: boolean) => ({
  ...key,
  attempt: 1,
  judge_number: n,
  model: `m${n}`,
  valid: valid ? 1 : 0,
  failure: valid ? null : ('unparseable' as const),
  score: valid ? 0.8 : null,
  passed: valid ? 1 : null,
  grade: valid ? 'A' : null,
  json: '{}',
});

describe('Store.transition', () => {
  it('moves a run only from the expected state, and records each move', () => {
    const store = newStore();
    store.transition(key, 'pending', 'workspace_ready', { branch: 'b' });
    expect(() => store.transition(key, 'pending', 'workspace_ready')).toThrow(
      /is workspace_ready, expected pending/,
    );
    store.transition(key, ['config_committed', 'workspace_ready'], 'config_committed');
    expect(store.getRun(key)).toMatchObject({ state: 'config_committed', branch: 'b' });
    expect(store.transitions(key).map((t) => [t.from_state, t.to_state])).toEqual([
      ['pending', 'workspace_ready'],
      ['workspace_ready', 'config_committed'],
    ]);
    store.close();
  });

  it('never advances a finalized run, and a refused move changes nothing', () => {
    const store = newStore();
    advanceTo(store, key, 'pipeline_done');
    store.recordJudging(key, [judgment(1, true)], {
      valid: true,
      passed: true,
      score: 0.8,
      grade: 'A',
      judgeDurationMs: 5,
    });
    store.transition(key, 'judged', 'finalized', { finalized_at: 'now' });
    const before = store.getRun(key);
    expect(() => store.transition(key, 'pipeline_done', 'judged')).toThrow(/is finalized/);
    expect(() =>
      store.recordJudging(key, [judgment(2, true)], { valid: false, judgeDurationMs: 1 }),
    ).toThrow();
    expect(store.getRun(key)).toEqual(before);
    // The refused judging stored no judgment: both happen in one transaction or neither does.
    expect(store.judgments(key).map((j) => j.judge_number)).toEqual([1]);
    store.close();
  });

  it('an invalid consensus makes the run judge_failed with its judgments kept', () => {
    const store = newStore();
    advanceTo(store, key, 'pipeline_done');
    store.recordJudging(key, [judgment(1, false)], { valid: false, judgeDurationMs: 3 });
    expect(store.getRun(key)).toMatchObject({ state: 'judge_failed', failure: 'judge_failed' });
    expect(store.judgments(key)[0]).toMatchObject({ valid: 0, failure: 'unparseable' });
    store.close();
  });
});

describe('Store.discardAttempt', () => {
  it('starts the next attempt and keeps what the discarded one cost', () => {
    const store = newStore();
    store.transition(key, 'pending', 'workspace_ready');
    store.transition(key, 'workspace_ready', 'config_committed');
    store.transition(key, 'config_committed', 'prompt_written');
    store.transition(key, 'prompt_written', 'infra_failed', {
      failure: 'infra_failed',
      cost_usd: 0.25,
      agent_outcome: 'infra_failed',
    });
    store.transition({ ...key, run: 2 }, 'pending', 'workspace_ready', { cost_usd: 0.5 });
    store.discardAttempt(key, 'infra_failed', 'redo after infra_failed');
    expect(store.getRun(key)).toMatchObject({
      state: 'pending',
      attempt: 2,
      cost_usd: null,
      failure: null,
      agent_outcome: null,
    });
    expect(store.discardedAttempts(key)).toMatchObject([
      { attempt: 1, state: 'infra_failed', failure: 'infra_failed', cost_usd: 0.25 },
    ]);
    expect(store.totalCostUsd()).toBeCloseTo(0.75);
    expect(() => store.discardAttempt(key, 'infra_failed', 'again')).toThrow(/is pending/);
    store.close();
  });
});

describe('Store entries and ownership', () => {
  it('typed entries refuse a value of the wrong shape', () => {
    const store = newStore();
    store.setKv('models_validated', [
      { role: 'agent', requested: 'sonnet', model: 'claude-x', via: 'api', outcome: 'ok' },
    ]);
    expect(store.getKv('models_validated')?.[0].model).toBe('claude-x');
    expect(() =>
      store.setKv('models_validated', [{ role: 'boss' }] as unknown as KvValue<'models_validated'>),
    ).toThrow();
    expect(store.getKv('pipeline_baseline')).toBeUndefined();
    store.close();
  });

  it('claim refuses while another live owner holds the experiment', () => {
    const store = newStore();
    expect(store.claim(111, () => null)).toBeNull();
    expect(store.experiment()?.owner_pid).toBe(111);
    expect(store.claim(222, (pid) => pid)).toBe(111);
    expect(store.experiment()?.owner_pid).toBe(111);
    store.release(111);
    expect(store.claim(222, (pid) => pid)).toBeNull();
    expect(store.experiment()?.owner_pid).toBe(222);
    store.close();
  });

  it('group winners: unknown until recorded, null when the group had none, first recording stands', () => {
    const store = newStore();
    expect(store.groupWinner('T0,T1')).toBeUndefined();
    store.setGroupWinner('T0,T1', null);
    expect(store.groupWinner('T0,T1')).toBeNull();
    store.setGroupWinner('T0,T1', { tier: 'T0', subtest: '01' });
    expect(store.groupWinner('T0,T1')).toBeNull();
    store.setGroupWinner('T5', { tier: 'T5', subtest: '02' });
    expect(store.groupWinner('T5')).toEqual({ tier: 'T5', subtest: '02' });
    store.close();
  });

  it('stores the stop reason as a typed value', () => {
    const store = newStore();
    store.setExperimentStatus('budget_exhausted', { kind: 'budget_exhausted', spentUsd: 1.5, capUsd: 1 });
    expect(store.experiment()?.stop_reason).toEqual({ kind: 'budget_exhausted', spentUsd: 1.5, capUsd: 1 });
    store.setExperimentStatus('completed');
    expect(store.experiment()).toMatchObject({ status: 'completed', stop_reason: null });
    store.close();
  });
});

describe('openStoreReader', () => {
  it('sees what the writer commits, through a cheap change counter', () => {
    const store = newStore();
    const reader = openStoreReader(store.file);
    const c0 = reader.changeCounter();
    expect(reader.runs()).toHaveLength(2);
    expect(reader.changeCounter()).toBe(c0);
    store.transition(key, 'pending', 'workspace_ready');
    expect(reader.changeCounter()).not.toBe(c0);
    expect(reader.getRun(key)?.state).toBe('workspace_ready');
    reader.close();
    store.close();
  });

  it('never writes a byte, not even side files; a snapshot knows when it is outdated', () => {
    const store = newStore();
    const file = store.file;
    store.close();
    const dir = dirname(file);
    const files = readdirSync(dir).sort();
    const bytes = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    const reader = openStoreReader(file);
    expect(reader.runs()).toHaveLength(2);
    // A reader has no write methods; forced, a write reaches only its private copy.
    expect('transition' in reader).toBe(false);
    Store.prototype.setKv.call(reader, 'pipeline_baseline', { summary: '', steps: [] });
    expect(reader.outdated()).toBe(false);
    reader.close();
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    const again = openStoreReader(file);
    const writer = new Store(file);
    writer.transition(key, 'pending', 'workspace_ready');
    expect(again.outdated()).toBe(true);
    again.close();
    writer.close();
  });

  it('a missing store is "not an experiment directory"', () => {
    const dir = tmpDir('scylla-store-');
    expect(() => openStoreReader(join(dir, 'scylla.db'))).toThrow(NotAnExperimentError);
  });

  it('reads a store of schema 1 through an in-memory migration, leaving the file as it was', () => {
    const dir = tmpDir('scylla-store-');
    const file = join(dir, 'scylla.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    db.exec(`INSERT INTO experiment (id, experiment_id, config_json, config_hash, status, created_at, scylla_version)
             VALUES (1, 'old', '{}', 'h', 'completed', 'then', '0.0.1');
             INSERT INTO runs (tier, subtest, run, state, agent_failure, cost_usd, created_at, updated_at)
             VALUES ('T0', '00', 1, 'cleaned', 'completed', 0.1, 'a', 'b');
             INSERT INTO kv (key, value) VALUES ('discarded_cost_usd', '0.4'),
               ('group_winner:T0,T1', '{"tier":"T1","subtest":"03"}');`);
    db.close();
    const bytes = readFileSync(file);
    const copy = join(dir, 'copy.db');
    copyFileSync(file, copy);
    const reader = openStoreReader(file);
    expect(reader.getRun(key)).toMatchObject({ state: 'cleaned', agent_outcome: 'completed' });
    expect(reader.totalCostUsd()).toBeCloseTo(0.5);
    expect(reader.groupWinner('T0,T1')).toEqual({ tier: 'T1', subtest: '03' });
    reader.close();
    expect(readFileSync(file).equals(bytes)).toBe(true);
    // The writer migrates the file itself, to the same result.
    const writer = new Store(copy);
    expect(writer.getRun(key)?.agent_outcome).toBe('completed');
    expect(writer.totalCostUsd()).toBeCloseTo(0.5);
    expect(writer.groupWinner('T0,T1')).toEqual({ tier: 'T1', subtest: '03' });
    writer.close();
  });
});
