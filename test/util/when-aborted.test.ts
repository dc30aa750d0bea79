import { describe, expect, it } from 'vitest';
import { whenAborted } from '../../src/util/when-aborted.js';

describe('whenAborted', () => {
  it('resolves on the abort, with one promise for every waiter', async () => {
    const c = new AbortController();
    const p = whenAborted(c.signal);
    expect(whenAborted(c.signal)).toBe(p);
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    c.abort();
    await p;
    expect(done).toBe(true);
  });

  it('resolves at once for a signal already aborted', async () => {
    const c = new AbortController();
    c.abort();
    const r = await Promise.race([
      whenAborted(c.signal).then(() => 'aborted'),
      new Promise((ok) => setTimeout(() => ok('waited'), 200)),
    ]);
    expect(r).toBe('aborted');
  });
});
