// The scheduler with injected hooks (no processes): order within a subtest, interleaving, the
// workspace limit, rate-limit redo, stops, and the infrastructure-failure streak.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunEnd, RunSpec } from '../../src/engine/context.js';
import { lanesOf, schedule, INFRA_FAILURE_LIMIT, type SchedulerHooks } from '../../src/engine/scheduler.js';
import { defaultLimits, Slots } from '../../src/engine/slots.js';
import { InfraFailureError } from '../../src/errors.js';
import { silentLogger } from '../../src/util/logger.js';

const spec = (subtest: string, run: number): RunSpec =>
  ({ tier: 'T0', subtest, run, resolved: {}, runDir: '', branch: '' }) as unknown as RunSpec;
const subtests = (n: number, runs: number) =>
  Array.from({ length: n }, (_, s) => Array.from({ length: runs }, (_, r) => spec(`0${s}`, r + 1)));
const ok: RunEnd = { kind: 'finalized', passed: true, score: 1 };

function hooks(over: Partial<SchedulerHooks> & Pick<SchedulerHooks, 'execute'>): SchedulerHooks {
  return {
    onRateLimit: () => undefined,
    waitGate: () => Promise.resolve(),
    stopping: () => false,
    logger: silentLogger,
    ...over,
  };
}

describe('schedule', () => {
  it('runs each subtest in order, interleaves subtests, and never exceeds the workspace limit', async () => {
    const slots = new Slots(defaultLimits(2, { workspaces: 3 }), silentLogger);
    const started: string[] = [];
    let live = 0;
    let peak = 0;
    const ends = await schedule(
      subtests(4, 3),
      { slots, parallelRuns: 1 },
      hooks({
        execute: async (s) => {
          started.push(`${s.subtest}/${s.run}`);
          peak = Math.max(peak, ++live);
          await sleep(5);
          live--;
          return ok;
        },
      }),
    );
    expect(ends.size).toBe(12);
    expect(peak).toBe(3);
    for (let s = 0; s < 4; s++) {
      const mine = started.filter((x) => x.startsWith(`0${s}/`));
      expect(mine).toEqual([`0${s}/1`, `0${s}/2`, `0${s}/3`]);
    }
    // Interleaved: the first three starts belong to three different subtests.
    expect(new Set(started.slice(0, 3).map((x) => x.split('/')[0])).size).toBe(3);
  });

  it('parallelRuns splits a subtest into lanes run i mod lanes', () => {
    const lanes = lanesOf(subtests(1, 5)[0], 2);
    expect(lanes.map((l) => l.map((s) => s.run))).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
  });

  it('a rate-limited run waits at the gate and is redone; it is reported once per limit', async () => {
    const slots = new Slots(defaultLimits(1), silentLogger);
    let calls = 0;
    let gateWaits = 0;
    const limits: string[] = [];
    const ends = await schedule(
      [[spec('00', 1)]],
      { slots, parallelRuns: 1 },
      hooks({
        execute: () => {
          calls++;
          return Promise.resolve(
            calls === 1
              ? {
                  kind: 'rate_limited',
                  retryAfterMs: 10,
                  source: 'agent',
                  limit: 'rate_limit',
                  message: '429',
                }
              : ok,
          );
        },
        waitGate: () => {
          gateWaits++;
          return Promise.resolve();
        },
        onRateLimit: (end) => limits.push(end.message),
      }),
    );
    expect(calls).toBe(2);
    expect(gateWaits).toBe(2);
    expect(limits).toEqual(['429']);
    expect(ends.get('T0/00/1')).toEqual(ok);
  });

  it('starts nothing once stopping, and an interrupted run ends its lane', async () => {
    const slots = new Slots(defaultLimits(1), silentLogger);
    let stop = false;
    const ran: number[] = [];
    const ends = await schedule(
      [[spec('00', 1), spec('00', 2), spec('00', 3)]],
      { slots, parallelRuns: 1 },
      hooks({
        execute: (s) => {
          ran.push(s.run);
          stop = true;
          return Promise.resolve(ok);
        },
        stopping: () => stop,
      }),
    );
    expect(ran).toEqual([1]);
    expect(ends.size).toBe(1);

    const ran2: number[] = [];
    await schedule(
      [[spec('01', 1), spec('01', 2)]],
      { slots, parallelRuns: 1 },
      hooks({
        execute: (s) => {
          ran2.push(s.run);
          return Promise.resolve({ kind: 'interrupted' });
        },
      }),
    );
    expect(ran2).toEqual([1]);
  });

  it(`stops after ${INFRA_FAILURE_LIMIT} infrastructure failures in a row, and a result resets the streak`, async () => {
    const slots = new Slots(defaultLimits(1), silentLogger);
    const pattern = ['infra', 'infra', 'ok', 'infra', 'infra', 'ok', 'infra', 'infra', 'infra', 'ok'];
    let i = 0;
    const run = schedule(
      [Array.from({ length: pattern.length }, (_, r) => spec('00', r + 1))],
      { slots, parallelRuns: 1 },
      hooks({
        execute: () =>
          Promise.resolve(pattern[i++] === 'ok' ? ok : { kind: 'infra_failed', message: 'no binary' }),
      }),
    );
    await expect(run).rejects.toBeInstanceOf(InfraFailureError);
    await expect(run).rejects.toThrow(/3 infrastructure failures in a row; the last: no binary/);
    expect(i).toBe(9);
  });
});

describe('Slots', () => {
  it('halves the agent limit after a rate limit and ramps back one at a time', () => {
    const slots = new Slots(defaultLimits(8), silentLogger);
    slots.onRateLimit();
    expect(slots.agentLimit).toBe(4);
    slots.onRateLimit();
    expect(slots.agentLimit).toBe(2);
    slots.onAgentSuccess();
    expect(slots.agentLimit).toBe(2);
    slots.onAgentSuccess();
    expect(slots.agentLimit).toBe(3);
    for (let k = 0; k < 20; k++) slots.onAgentSuccess();
    expect(slots.agentLimit).toBe(8);
  });

  it('stays fixed without --adaptive, and never goes below one', () => {
    const fixed = new Slots(defaultLimits(4, { adaptive: false }), silentLogger);
    fixed.onRateLimit();
    expect(fixed.agentLimit).toBe(4);
    const one = new Slots(defaultLimits(1), silentLogger);
    one.onRateLimit();
    expect(one.agentLimit).toBe(1);
  });

  it('defaults: judges = parallel, at most 2 pipelines, 2 workspaces per agent', () => {
    expect(defaultLimits(4)).toEqual({ agents: 4, judges: 4, pipelines: 2, workspaces: 8, adaptive: true });
    expect(defaultLimits(1, { judges: 3 })).toMatchObject({ judges: 3, pipelines: 1, workspaces: 2 });
  });
});
