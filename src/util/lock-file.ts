// A lock file for short critical sections between processes (e.g. choosing or creating an
// experiment directory): created exclusively, holding the owner's pid; a dead owner's lock is taken
// over; waiting is synchronous (the section itself is short).
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { pidAlive } from './pid-alive.js';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms: number) => Atomics.wait(SLEEP, 0, 0, ms);

/** A lock whose owner died (or that is empty for longer than a moment: its owner died writing it). */
function stale(file: string): boolean {
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!text) return Date.now() - statSync(file).mtimeMs > 2000;
    const pid = Number(text);
    return !Number.isInteger(pid) || !pidAlive(pid);
  } catch {
    return false; // gone meanwhile: try again
  }
}

/** Run `fn` holding the lock `file`; waits up to `timeoutMs` for another holder. */
export function withLockFile<T>(file: string, fn: () => T, timeoutMs = 30_000): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (stale(file)) rmSync(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${file}`);
      else pause(25);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    try {
      return fn();
    } finally {
      rmSync(file, { force: true });
    }
  }
}
