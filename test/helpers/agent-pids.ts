// Finds live agent processes (the real Claude Code CLI) working below a directory, via /proc.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Process-group leaders of live agents: processes whose argv has `marker` and cwd is below `root`,
 * one per process group (an agent's own helper processes share its group). A process started by
 * another match is that agent's child, not an agent: the CLI runs its Bash tool in a group of its
 * own, with the CLI's flags in the command line.
 */
export function agentPids(root: string, marker = '--dangerously-skip-permissions'): number[] {
  const found: { pid: number; ppid: number; pgrp: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!argv.includes(marker)) continue;
      if (!readlinkSync(`/proc/${name}/cwd`).startsWith(root)) continue;
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..." — comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [, ppid, pgrp] = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      found.push({ pid: Number(name), ppid, pgrp });
    } catch {
      // the process ended while we looked
    }
  }
  const pids = new Set(found.map((p) => p.pid));
  const groups = new Map<number, number>();
  for (const p of found) {
    if (pids.has(p.ppid)) continue; // a child of an agent
    if (!groups.has(p.pgrp) || p.pgrp === p.pid) groups.set(p.pgrp, p.pid);
  }
  return [...groups.values()];
}
