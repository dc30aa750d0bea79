// Signalling and waiting for a child's whole process group (each agent runs in its own).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Send `sig` to the whole process group of `pid`; ignore "no such process". */
export function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** Is a process group still alive (zombies included)? */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Does group `pgid` still have a process that is not a zombie? Read from /proc where there is one
 * (a zombie nobody reaps must not count as running); elsewhere any member counts.
 */
function groupRunning(pgid: number): boolean {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return groupAlive(pgid);
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    } catch {
      // ended while we looked
    }
  }
  return false;
}

/**
 * Wait (up to `timeoutMs`) until nothing of group `pgid` is running any more: a killed process
 * takes a moment to go, and an agent's slot is free only when all of it is gone.
 */
export async function waitGroupGone(pgid: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && groupRunning(pgid) && Date.now() < deadline) await sleep(20);
}
