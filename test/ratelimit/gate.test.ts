import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RateLimitGate, type PauseInfo } from '../../src/ratelimit/gate.js';

const info = (ms: number, extra: Partial<PauseInfo> = {}): PauseInfo => ({
  source: 'agent',
  kind: 'rate_limit',
  until: Date.now() + ms,
  reason: 'test',
  ...extra,
});

describe('RateLimitGate', () => {
  it('holds every waiter until the pause ends, and tells every subscriber once', async () => {
    const events: string[] = [];
    const gate = new RateLimitGate({
      onPause: () => events.push('owner pause'),
      onResume: () => events.push('owner resume'),
    });
    const unsubscribe = gate.subscribe({ onResume: () => events.push('a resume') });
    gate.subscribe({ onPause: () => events.push('b pause'), onResume: () => events.push('b resume') });
    const started = Date.now();
    gate.pause(info(300));
    gate.pause(info(100)); // shorter: does not shorten the pause, and is not a second pause
    await Promise.all([gate.wait(), gate.wait()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(events).toEqual(['owner pause', 'b pause', 'owner resume', 'a resume', 'b resume']);
    expect(gate.pauseCount).toBe(1);
    unsubscribe();
    gate.pause(info(10));
    await gate.wait();
    expect(events.slice(5)).toEqual(['owner pause', 'b pause', 'owner resume', 'b resume']);
  });

  it("asks the pause's own probe (the experiment that hit the limit) and extends while it says so", async () => {
    let asked = 0;
    const gate = new RateLimitGate();
    gate.pause(info(50, { probe: () => Promise.resolve(++asked < 3 ? 50 : null) }));
    const started = Date.now();
    await gate.wait();
    expect(asked).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(gate.paused).toBeNull();
  });

  it('a waiter whose signal aborts stops waiting at once', async () => {
    const gate = new RateLimitGate();
    gate.pause(info(60_000));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await gate.wait(ac.signal);
    expect(gate.paused).not.toBeNull();
  });

  it('tells listeners when a pause is extended, by a later limit or by a probe that was limited too', async () => {
    const ends: number[] = [];
    const gate = new RateLimitGate({ onExtend: (p) => ends.push(p.until) });
    let asked = 0;
    const first = info(40, { probe: () => Promise.resolve(++asked < 2 ? 40 : null) });
    gate.pause(first);
    const later = info(80, { probe: first.probe });
    gate.pause(later);
    await gate.wait();
    expect(ends).toHaveLength(2);
    expect(ends[0]).toBe(later.until);
    expect(ends[1]).toBeGreaterThan(later.until);
  });

  it('many waits on one signal during a pause add one listener, not one each', async () => {
    const gate = new RateLimitGate();
    const ac = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    gate.pause(info(50));
    await Promise.all(Array.from({ length: 40 }, () => gate.wait(ac.signal)));
    for (let i = 0; i < 40; i++) await gate.wait(ac.signal);
    await new Promise((r) => setTimeout(r, 10));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
  });
});

describe('pauseMs (one policy for agents and judges)', () => {
  it('uses the stated wait, else --rate-limit-wait', async () => {
    const { pauseMs } = await import('../../src/engine/rate-limits.js');
    const config = { rateLimitWaitSeconds: 7 };
    expect(pauseMs({ retryAfterMs: 1234 }, config)).toBe(1234);
    expect(pauseMs({ retryAfterMs: 60_000, estimated: true }, config)).toBe(7000);
    expect(pauseMs(undefined, config)).toBe(7000);
  });
});
