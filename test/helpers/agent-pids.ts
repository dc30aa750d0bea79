// Finds live agent processes (the real Claude Code CLI) working below a directory, via /proc.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Process-group leaders of live agents: processes whose argv has `marker` and cwd is below `root`,
 * one per process group (an agent's own helper processes share its group). */
export function agentPids(root: string, marker = '--dangerously-skip-permissions'): number[] {
  const groups = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!argv.includes(marker)) continue;
      if (!readlinkSync(`/proc/${name}/cwd`).startsWith(root)) continue;
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..." — comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (!groups.has(pgrp) || pgrp === Number(name)) groups.set(pgrp, Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return [...groups.values()];
}
