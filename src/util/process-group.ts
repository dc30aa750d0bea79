// Signalling and waiting for a child's whole process group (each agent runs in its own).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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

/** Every pid in /proc (none where there is no /proc). */
function procPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

interface ProcEntry {
  state: string;
  ppid: number;
  pgrp: number;
}

/** Still running: present and neither a zombie nobody reaped nor dead. */
const isLive = (p: ProcEntry | undefined): boolean => p !== undefined && p.state !== 'Z' && p.state !== 'X';

/** pid → { state, ppid, pgrp } of every process in /proc (empty where there is no /proc). */
function processTable(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  for (const pid of procPids()) {
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(pid, { state, ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // ended while we looked
    }
  }
  return table;
}

/** When `pid` started, in clock ticks since boot (/proc/PID/stat field 22); null if unknown or gone. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/**
 * End a process left over from an earlier Scylla (recorded when it started): its group and every
 * group its descendants started, unless the pid now belongs to another process (start time differs).
 * Returns whether it was still there.
 */
export async function endLeftoverProcess(pid: number, startTicks: number | null): Promise<boolean> {
  const now = processStartTicks(pid);
  if (now === null || (startTicks !== null && now !== startTicks)) return false;
  const groups = [pid, ...descendantGroups(pid)];
  for (const g of groups) killGroup(g, 'SIGKILL');
  for (const g of groups) await waitGroupGone(g);
  return true;
}

/**
 * Process groups of `pid`'s descendants other than its own: an agent CLI starts its tool commands
 * detached, in groups of their own, so killing the agent's group alone would leave them running.
 * Our own group is never among them.
 */
export function descendantGroups(pid: number): number[] {
  const table = processTable();
  const ours = table.get(process.pid)?.pgrp;
  const children = new Map<number, number[]>();
  for (const [p, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), p]);
  const groups = new Set<number>();
  const queue = [...(children.get(pid) ?? [])];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    const g = table.get(p)?.pgrp;
    if (g !== undefined && g !== pid && g !== ours && g > 1) groups.add(g);
    queue.push(...(children.get(p) ?? []));
  }
  return [...groups];
}

/**
 * Does group `pgid` still have a process that is not a zombie? Read from /proc where there is one
 * (a zombie nobody reaps must not count as running); elsewhere any member counts.
 */
function groupRunning(pgid: number): boolean {
  const table = processTable();
  if (table.size === 0) return groupAlive(pgid);
  for (const p of table.values()) if (p.pgrp === pgid && isLive(p)) return true;
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

/**
 * Kill every process (but this one) whose working directory is `dir` or below it, and wait until
 * they are gone: what an agent left running in its workspace (`nohup server &` from a tool call),
 * found by where it runs because its parent, the agent, is gone. Returns how many there were.
 */
export async function reapProcessesIn(dir: string, timeoutMs = 3000): Promise<number> {
  const inside = (cwd: string) => cwd === dir || cwd.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  const found = procPids().filter((pid) => {
    try {
      return pid !== process.pid && inside(readlinkSync(`/proc/${pid}/cwd`));
    } catch {
      return false; // ended, or not ours to look at
    }
  });
  for (const pid of found) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = processTable();
    if (!found.some((pid) => isLive(table.get(pid))) || Date.now() >= deadline) return found.length;
    await sleep(20);
  }
}
