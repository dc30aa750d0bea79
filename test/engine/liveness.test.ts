// Who owns an experiment: a live pid with a fresh heartbeat refuses others; a dead or stale owner is taken over.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { liveOwner, STALE_HEARTBEAT_MS } from '../../src/engine/liveness.js';

describe('liveOwner', () => {
  it('a live other process with a fresh heartbeat owns it; a stale heartbeat, a dead pid or our own pid do not', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    const now = Date.now();
    try {
      expect(liveOwner(pid, new Date(now - 1000).toISOString(), now)).toBe(pid);
      expect(liveOwner(pid, new Date(now - STALE_HEARTBEAT_MS - 1000).toISOString(), now)).toBeNull();
      expect(liveOwner(process.pid, new Date(now).toISOString(), now)).toBeNull();
      expect(liveOwner(null, null, now)).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(liveOwner(pid, new Date(now).toISOString(), now)).toBeNull(); // dead now
  });
});
